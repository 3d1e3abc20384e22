using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Modules.Pem.Protocols.Mysql;

public sealed partial class MysqlHandler
{
    private static ReadOnlySpan<byte> ResultsetRowsPrefix => "Resultset rows = "u8;

    private static ReadOnlySpan<byte> UnknownStatementPrefix => "stmt_id="u8;

    /// <summary>Column indexes of mysql_events after the eight socket columns.</summary>
    private const int ReqCmd = SocketEventsWriter.FirstProtocolColumn;
    private const int ReqBody = ReqCmd + 1;
    private const int RespStatus = ReqCmd + 2;
    private const int RespBody = ReqCmd + 3;
    private const int LatencyColumn = ReqCmd + 4;

    private void WriteRow(ConnTracker conn, MysqlConnection s, MysqlRequest req, MysqlRespStatus status, ulong respTsNs,
        MysqlResponseParser? resp, in ProtocolContext context)
    {
        var max = context.MaxStringBytes;
        _writer.BeginRow(conn, req.TimestampNs, context.RealtimeOffsetNs);
        _writer.Int64(ReqCmd).Append(req.Command);
        WriteRequestBody(s, req, max);
        _writer.Int64(RespStatus).Append((long)status);
        var body = _writer.String(RespBody);
        if (resp is null)
        {
            body.Append(ReadOnlySpan<byte>.Empty);
        }
        else if (status == MysqlRespStatus.Err || (req.Command == MysqlCommands.Statistics && status == MysqlRespStatus.Ok))
        {
            SocketEventsWriter.AppendTruncated(body, resp.Message, max);
        }
        else if (resp.IsResultSet)
        {
            Span<byte> tmp = stackalloc byte[48];
            var w = new MysqlTextWriter(tmp);
            w.Write(ResultsetRowsPrefix);
            w.WriteUnsigned(resp.Rows);
            SocketEventsWriter.AppendTruncated(body, w.Text, max);
        }
        else
        {
            body.Append(ReadOnlySpan<byte>.Empty);
        }

        _writer.Int64(LatencyColumn).Append(SocketEventsWriter.Latency(req.TimestampNs, respTsNs));
        _writer.EndRow();
        Stats.RecordsEmitted++;
    }

    private void WriteRequestBody(MysqlConnection s, MysqlRequest req, int max)
    {
        var col = _writer.String(ReqBody);
        if (MysqlCommands.HasTextArgument(req.Command))
        {
            var text = req.Body;
            if (req.Command == MysqlCommands.FieldList)
            {
                // Table name, NUL, then a column wildcard.
                var nul = text.IndexOf((byte)0);
                text = nul >= 0 ? text[..nul] : text;
                SocketEventsWriter.AppendTruncated(col, text, max);
                return;
            }

            SocketEventsWriter.AppendTruncated(col, text, req.FullLength, max);
            return;
        }

        if (req.Command != MysqlCommands.StmtExecute)
        {
            col.Append(ReadOnlySpan<byte>.Empty);
            return;
        }

        if (_scratch.Length < max)
        {
            _scratch = new byte[max];
        }

        var w = new MysqlTextWriter(_scratch.AsSpan(0, max));
        var id = MysqlExecuteRenderer.StatementId(req.Body);
        if (s.Statements.TryGet(id, out var stmt))
        {
            MysqlExecuteRenderer.Render(req.Body, stmt, s.QueryAttributes, ref w);
        }
        else
        {
            // The prepare was before tracing began (or forgotten): only the id is known.
            w.Write(UnknownStatementPrefix);
            w.WriteUnsigned(id);
        }

        SocketEventsWriter.AppendTruncated(col, w.Text, w.Truncated ? (long)max + 1 : w.Written, max);
    }
}
