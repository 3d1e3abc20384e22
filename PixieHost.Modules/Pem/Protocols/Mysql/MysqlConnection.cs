namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>
/// Per-connection state of the MySQL handler: a packet reader per direction, the pending commands, the response
/// being parsed, the prepared statements and what the handshake said about the wire format.
/// </summary>
public sealed class MysqlConnection : ProtocolConnection
{
    public MysqlPacketReader Requests { get; } = new(isRequestSide: true);

    public MysqlPacketReader Responses { get; } = new(isRequestSide: false);

    public MysqlStitcher Stitcher { get; } = new();

    public MysqlResponseParser Response { get; } = new();

    public MysqlPreparedStatements Statements { get; } = new();

    /// <summary>The response being parsed belongs to the request at the head of <see cref="Stitcher"/>.</summary>
    public bool ResponseHasRequest { get; set; }

    /// <summary>Bytes of the response stream were lost since the last response started: realign by time.</summary>
    public bool ResponsesLost { get; set; }

    /// <summary>Capability flags from the greeting and the handshake response (0 when tracing began later).</summary>
    public uint ServerCapabilities { get; set; }

    public uint ClientCapabilities { get; set; }

    public bool SawHandshakeResponse { get; set; }

    /// <summary>The client asked for TLS: what follows on the wire is ciphertext.</summary>
    public bool SslRequested { get; set; }

    /// <summary>Packets recognised on this connection (commands, responses, handshake).</summary>
    public long FramesParsed { get; set; }

    /// <summary>Payload bytes of packets that were neither a command nor part of the handshake.</summary>
    public long UnrecognizedBytes { get; set; }

    /// <summary>Both sides agreed on MySQL 8 query attributes: COM_QUERY and COM_STMT_EXECUTE carry extra fields.</summary>
    public bool QueryAttributes =>
        (ServerCapabilities & ClientCapabilities & MysqlCapabilities.QueryAttributes) != 0;

    public override void Dispose()
    {
        Stitcher.Clear();
        Statements.Clear();
    }
}
