namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>
/// Command bytes (the first payload byte of a request, sequence id 0), as written to mysql_events.req_cmd, and
/// what each one's response looks like.
/// </summary>
public static class MysqlCommands
{
    public const byte Sleep = 0x00;
    public const byte Quit = 0x01;
    public const byte InitDb = 0x02;
    public const byte Query = 0x03;
    public const byte FieldList = 0x04;
    public const byte CreateDb = 0x05;
    public const byte DropDb = 0x06;
    public const byte Refresh = 0x07;
    public const byte Shutdown = 0x08;
    public const byte Statistics = 0x09;
    public const byte ProcessInfo = 0x0a;
    public const byte Connect = 0x0b;
    public const byte ProcessKill = 0x0c;
    public const byte Debug = 0x0d;
    public const byte Ping = 0x0e;
    public const byte Time = 0x0f;
    public const byte DelayedInsert = 0x10;
    public const byte ChangeUser = 0x11;
    public const byte BinlogDump = 0x12;
    public const byte TableDump = 0x13;
    public const byte ConnectOut = 0x14;
    public const byte RegisterSlave = 0x15;
    public const byte StmtPrepare = 0x16;
    public const byte StmtExecute = 0x17;
    public const byte StmtSendLongData = 0x18;
    public const byte StmtClose = 0x19;
    public const byte StmtReset = 0x1a;
    public const byte SetOption = 0x1b;
    public const byte StmtFetch = 0x1c;
    public const byte Daemon = 0x1d;
    public const byte BinlogDumpGtid = 0x1e;
    public const byte ResetConnection = 0x1f;

    /// <summary>A command a client sends (COM_SLEEP and COM_CONNECT are server-internal, but harmless to accept).</summary>
    public static bool IsKnown(byte cmd) => cmd is >= Quit and <= ResetConnection;

    /// <summary>The server sends nothing back (COM_QUIT closes the connection).</summary>
    public static bool HasNoResponse(byte cmd) => cmd is Quit or StmtClose or StmtSendLongData;

    /// <summary>The payload length of commands that have exactly one; -1 for variable-length ones.</summary>
    public static int FixedLength(byte cmd) => cmd switch
    {
        Quit or Statistics or ProcessInfo or Debug or Ping or Time or ResetConnection => 1,
        SetOption => 3,
        StmtClose or StmtReset or ProcessKill => 5,
        StmtFetch => 9,
        _ => -1,
    };

    /// <summary>The shortest payload of a variable-length command.</summary>
    public static int MinLength(byte cmd) => cmd switch
    {
        StmtExecute => 10,
        StmtSendLongData => 7,
        Refresh or Shutdown => 1,
        _ => 2,
    };

    /// <summary>The argument is text that becomes req_body as is (the query, the schema or table name).</summary>
    public static bool HasTextArgument(byte cmd) => cmd is Query or InitDb or StmtPrepare or CreateDb or DropDb or FieldList;
}

/// <summary>mysql_events.resp_status values (Pixie's RespStatus).</summary>
public enum MysqlRespStatus : long
{
    Unknown = 0,

    /// <summary>The command has no response (COM_STMT_CLOSE, COM_QUIT, COM_STMT_SEND_LONG_DATA).</summary>
    None = 1,
    Ok = 2,
    Err = 3,
}
