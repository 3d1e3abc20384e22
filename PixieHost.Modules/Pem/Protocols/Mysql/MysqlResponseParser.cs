using System.Buffers.Binary;

namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>What one packet did to the response being parsed.</summary>
public enum MysqlFeedResult
{
    /// <summary>The response goes on.</summary>
    More,

    /// <summary>The packet ended the response.</summary>
    Done,

    /// <summary>The packet does not belong to this response (its sequence id breaks the chain): the response ended before it.</summary>
    NotMine,
}

/// <summary>
/// The response state machine of one connection: fed one packet at a time (packets may be parsed across many
/// reads), it knows from the command and the packets so far where the response ends: OK, ERR, EOF, a result set
/// (column count, column definitions, [EOF], rows, EOF or OK; more result sets when the server says so),
/// COM_STMT_PREPARE_OK with its parameter and column definitions, COM_FIELD_LIST's definitions, LOCAL INFILE.
/// The EOF after column definitions is recognised by its length, so CLIENT_DEPRECATE_EOF needs no handshake.
/// </summary>
public sealed class MysqlResponseParser
{
    private const int MaxMessageBytes = 4096;

    private readonly byte[] _message = new byte[MaxMessageBytes];
    private Phase _phase;
    private byte _cmd;
    private byte _nextSeq;
    private ulong _remaining;
    private ushort _prepareColumns;
    private bool _eofMayFollow;

    private enum Phase : byte
    {
        Idle,
        Start,
        Columns,
        AfterColumns,
        Rows,
        PrepareParams,
        PrepareColumns,
        FieldList,
        InfileResult,
    }

    /// <summary>A response has started and not ended.</summary>
    public bool InProgress => _phase != Phase.Idle;

    public MysqlRespStatus Status { get; private set; }

    /// <summary>The response holds a result set: resp_body says how many rows.</summary>
    public bool IsResultSet { get; private set; }

    public ulong Rows { get; private set; }

    /// <summary>Timestamp of the first and the last packet.</summary>
    public ulong FirstTimestampNs { get; private set; }

    public ulong LastTimestampNs { get; private set; }

    /// <summary>The ERR message (or COM_STATISTICS text), at most 4 KiB.</summary>
    public ReadOnlySpan<byte> Message => _message.AsSpan(0, MessageLength);

    public int MessageLength { get; private set; }

    /// <summary>Set by a COM_STMT_PREPARE_OK: the statement id and parameter count the execute requests will use.</summary>
    public bool Prepared { get; private set; }

    public uint PreparedStatementId { get; private set; }

    public ushort PreparedParams { get; private set; }

    /// <summary>Starts the response to <paramref name="cmd"/> (0xff when the request is unknown) with its first packet.</summary>
    public MysqlFeedResult Begin(byte cmd, in MysqlPacket packet, ReadOnlySpan<byte> payload)
    {
        _cmd = cmd;
        _phase = Phase.Start;
        Status = MysqlRespStatus.Unknown;
        IsResultSet = Prepared = false;
        Rows = 0;
        MessageLength = 0;
        _eofMayFollow = false;
        FirstTimestampNs = packet.TimestampNs;
        _nextSeq = packet.SequenceId;
        return Feed(packet, payload);
    }

    /// <summary>Ends the response in progress as it is (the connection lost bytes or closed).</summary>
    public void Abandon() => _phase = Phase.Idle;

    /// <summary>The next packet of the response in progress.</summary>
    public MysqlFeedResult Feed(in MysqlPacket packet, ReadOnlySpan<byte> payload)
    {
        if (packet.SequenceId != _nextSeq && _phase != Phase.InfileResult)
        {
            // An EOF that CLIENT_DEPRECATE_EOF left optional was not there: the response had ended.
            _phase = Phase.Idle;
            return MysqlFeedResult.NotMine;
        }

        _nextSeq = (byte)(packet.SequenceId + 1);
        LastTimestampNs = packet.TimestampNs;
        if (packet.IsContinuation)
        {
            // The rest of a payload of 16 MiB or more: part of the row or definition before it.
            return MysqlFeedResult.More;
        }

        var r = Step(packet, payload);
        if (r == MysqlFeedResult.Done)
        {
            _phase = Phase.Idle;
        }

        return r;
    }

    /// <summary>
    /// After a response that may be followed by an optional EOF (COM_STMT_PREPARE without CLIENT_DEPRECATE_EOF),
    /// whether <paramref name="packet"/> is that EOF: the caller then drops it.
    /// </summary>
    public bool IsTrailingEof(in MysqlPacket packet, ReadOnlySpan<byte> payload) =>
        _eofMayFollow && packet.SequenceId == _nextSeq && MysqlParser.IsEof(payload, packet.PayloadLength);

    private MysqlFeedResult Step(in MysqlPacket packet, ReadOnlySpan<byte> payload)
    {
        var len = packet.PayloadLength;
        switch (_phase)
        {
            case Phase.Start:
                return Start(payload, len);
            case Phase.Columns:
                if (--_remaining == 0)
                {
                    _phase = Phase.AfterColumns;
                }

                return MysqlFeedResult.More;
            case Phase.AfterColumns:
                if (MysqlParser.IsEof(payload, len))
                {
                    // With a cursor (COM_STMT_EXECUTE, CURSOR_TYPE_READ_ONLY) the rows come later, by COM_STMT_FETCH.
                    if ((MysqlParser.EofStatus(payload) & MysqlServerStatus.CursorExists) != 0)
                    {
                        Status = MysqlRespStatus.Ok;
                        return MysqlFeedResult.Done;
                    }

                    _phase = Phase.Rows;
                    return MysqlFeedResult.More;
                }

                _phase = Phase.Rows;
                return Row(payload, len);
            case Phase.Rows:
                return Row(payload, len);
            case Phase.PrepareParams:
                if (--_remaining == 0)
                {
                    return PrepareColumnsOrDone(eofFirst: true);
                }

                return MysqlFeedResult.More;
            case Phase.PrepareColumns:
                if (_eofMayFollow && MysqlParser.IsEof(payload, len))
                {
                    _eofMayFollow = false;
                    return MysqlFeedResult.More;
                }

                _eofMayFollow = false;
                if (--_remaining == 0)
                {
                    _eofMayFollow = true;
                    return MysqlFeedResult.Done;
                }

                return MysqlFeedResult.More;
            case Phase.FieldList:
                if (payload.Length > 0 && payload[0] == MysqlParser.ErrHeader)
                {
                    SetError(payload);
                    return MysqlFeedResult.Done;
                }

                if (MysqlParser.IsResultSetEnd(payload, len))
                {
                    Status = MysqlRespStatus.Ok;
                    return MysqlFeedResult.Done;
                }

                return MysqlFeedResult.More;
            case Phase.InfileResult:
                return Simple(payload, len);
            default:
                return MysqlFeedResult.Done;
        }
    }

    private MysqlFeedResult Start(ReadOnlySpan<byte> payload, int len)
    {
        if (payload.IsEmpty)
        {
            return MysqlFeedResult.Done;
        }

        var first = payload[0];
        switch (_cmd)
        {
            case MysqlCommands.StmtPrepare when first == MysqlParser.OkHeader:
                return PrepareOk(payload);
            case MysqlCommands.Statistics:
                // The statistics string has no header byte.
                Status = MysqlRespStatus.Ok;
                SetMessage(payload);
                return MysqlFeedResult.Done;
            case MysqlCommands.FieldList when first is not (MysqlParser.ErrHeader or MysqlParser.EofHeader):
                _phase = Phase.FieldList;
                return MysqlFeedResult.More;
            case MysqlCommands.StmtFetch when first is not (MysqlParser.ErrHeader or MysqlParser.EofHeader):
                IsResultSet = true;
                _phase = Phase.Rows;
                return Row(payload, len);
        }

        switch (first)
        {
            case MysqlParser.OkHeader:
            case MysqlParser.EofHeader:
                return Simple(payload, len);
            case MysqlParser.ErrHeader:
                SetError(payload);
                return MysqlFeedResult.Done;
            case MysqlParser.LocalInfileHeader:
                // The client sends the file, then the server's OK or ERR ends the response.
                _phase = Phase.InfileResult;
                return MysqlFeedResult.More;
        }

        var o = 0;
        if (!MysqlParser.TryReadLenEnc(payload, ref o, out var columns) || columns == 0)
        {
            return MysqlFeedResult.Done;
        }

        IsResultSet = true;
        if (o < payload.Length && payload[o] == 0)
        {
            // MariaDB's cached metadata (MARIADB_CLIENT_CACHE_METADATA): a 0 "metadata follows" byte after the count
            // says the column definitions (and their EOF) are left out; rows come next.
            _phase = Phase.Rows;
            return MysqlFeedResult.More;
        }

        _remaining = columns;
        _phase = Phase.Columns;
        return MysqlFeedResult.More;
    }

    /// <summary>OK, EOF or ERR: the end, unless the server says another result follows.</summary>
    private MysqlFeedResult Simple(ReadOnlySpan<byte> payload, int len)
    {
        if (payload.Length > 0 && payload[0] == MysqlParser.ErrHeader)
        {
            SetError(payload);
            return MysqlFeedResult.Done;
        }

        ushort status;
        if (MysqlParser.IsEof(payload, len))
        {
            status = MysqlParser.EofStatus(payload);
        }
        else if (!MysqlParser.TryParseOk(payload, out _, out status))
        {
            status = 0;
        }

        if (Status != MysqlRespStatus.Err)
        {
            Status = MysqlRespStatus.Ok;
        }

        return MoreResults(status);
    }

    private MysqlFeedResult Row(ReadOnlySpan<byte> payload, int len)
    {
        if (payload.Length > 0 && payload[0] == MysqlParser.ErrHeader)
        {
            // The query failed while rows were being sent (a row error, a killed query).
            SetError(payload);
            return MysqlFeedResult.Done;
        }

        if (!MysqlParser.IsResultSetEnd(payload, len))
        {
            Rows++;
            return MysqlFeedResult.More;
        }

        ushort status;
        if (len <= MysqlParser.MaxEofPayload)
        {
            status = MysqlParser.EofStatus(payload);
        }
        else if (!MysqlParser.TryParseOk(payload, out _, out status))
        {
            status = 0;
        }

        if (Status != MysqlRespStatus.Err)
        {
            Status = MysqlRespStatus.Ok;
        }

        return MoreResults(status);
    }

    private MysqlFeedResult MoreResults(ushort serverStatus)
    {
        if ((serverStatus & MysqlServerStatus.MoreResultsExist) != 0)
        {
            // A multi-statement query or a CALL: the next result follows in the same response.
            _phase = Phase.Start;
            _cmd = MysqlCommands.Query;
            return MysqlFeedResult.More;
        }

        return MysqlFeedResult.Done;
    }

    private MysqlFeedResult PrepareOk(ReadOnlySpan<byte> payload)
    {
        // 0x00, statement id (4), columns (2), params (2), reserved, warnings (2).
        if (payload.Length < 9)
        {
            return MysqlFeedResult.Done;
        }

        Status = MysqlRespStatus.Ok;
        Prepared = true;
        PreparedStatementId = BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(1));
        _prepareColumns = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(5));
        PreparedParams = BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(7));
        if (PreparedParams > 0)
        {
            _remaining = PreparedParams;
            _phase = Phase.PrepareParams;
            return MysqlFeedResult.More;
        }

        return PrepareColumnsOrDone(eofFirst: false);
    }

    private MysqlFeedResult PrepareColumnsOrDone(bool eofFirst)
    {
        // Without CLIENT_DEPRECATE_EOF an EOF follows each block of definitions; it is consumed when it is there.
        _eofMayFollow = eofFirst;
        if (_prepareColumns == 0)
        {
            return MysqlFeedResult.Done;
        }

        _remaining = _prepareColumns;
        _phase = Phase.PrepareColumns;
        return MysqlFeedResult.More;
    }

    private void SetError(ReadOnlySpan<byte> payload)
    {
        Status = MysqlRespStatus.Err;
        if (MysqlParser.TryParseErr(payload, out _, out _, out var message))
        {
            SetMessage(message);
        }
    }

    private void SetMessage(ReadOnlySpan<byte> text)
    {
        var n = Math.Min(text.Length, _message.Length);
        text[..n].CopyTo(_message);
        MessageLength = n;
    }
}
