using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>
/// Writes stitched request/response pairs as http_events rows, straight from the frames' bytes into the column
/// builders: no string is made per row. Truncation follows Pixie: bodies at <c>maxBodyBytes</c> (512,
/// <c>PL_STIRLING_MAX_BODY_BYTES</c>), other strings at <c>maxStringBytes</c> (1024), then "... [TRUNCATED]".
/// A response body whose Content-Type is neither json nor text becomes <see cref="RemovedBodyPlaceholder"/>.
/// </summary>
public sealed class HttpEventsWriter(int maxBodyBytes = 512, int maxStringBytes = 1024)
{
    /// <summary>Pixie's marker after a truncated string (core/data_table.h).</summary>
    public static ReadOnlySpan<byte> TruncatedSuffix => "... [TRUNCATED]"u8;

    /// <summary>Stored instead of a response body filtered out by Content-Type.</summary>
    public static ReadOnlySpan<byte> RemovedBodyPlaceholder => "<removed: non-text content-type>"u8;

    private RowBatchBuilder _b = new(PemSchemas.HttpEvents, 1024);

    public int RowCount => _b.RowCount;

    /// <summary>Appends one row; <paramref name="realtimeOffsetNs"/> turns CLOCK_MONOTONIC into wall-clock time.</summary>
    public void Append(ConnTracker conn, HttpFrame req, HttpFrame resp, long realtimeOffsetNs)
    {
        var c = _b.Columns;
        ((Int64ColumnBuilder)c[0]).Append((long)req.TimestampNs + realtimeOffsetNs);
        ((UInt128ColumnBuilder)c[1]).Append(conn.Upid.Value);
        ((StringColumnBuilder)c[2]).Append(conn.RemoteAddrUtf8);
        ((Int64ColumnBuilder)c[3]).Append(conn.RemotePort);
        ((StringColumnBuilder)c[4]).Append(conn.LocalAddrUtf8);
        ((Int64ColumnBuilder)c[5]).Append(conn.LocalPort);
        ((Int64ColumnBuilder)c[6]).Append((long)conn.Role);
        ((BooleanColumnBuilder)c[7]).Append(false);
        ((Int64ColumnBuilder)c[8]).Append(1);
        ((Int64ColumnBuilder)c[9]).Append(resp.MinorVersion);
        ((Int64ColumnBuilder)c[10]).Append(resp.ContentTypeIsJson ? 1 : 0);
        HttpHeadersJson.Write((StringColumnBuilder)c[11], req, maxStringBytes);
        AppendTruncated((StringColumnBuilder)c[12], req.MethodSpan, req.MethodSpan.Length, maxStringBytes);
        AppendTruncated((StringColumnBuilder)c[13], req.PathSpan, req.PathSpan.Length, maxStringBytes);
        AppendTruncated((StringColumnBuilder)c[14], req.BodySpan, req.BodySize, maxBodyBytes);
        ((Int64ColumnBuilder)c[15]).Append(req.BodySize);
        HttpHeadersJson.Write((StringColumnBuilder)c[16], resp, maxStringBytes);
        ((Int64ColumnBuilder)c[17]).Append(resp.Status);
        AppendTruncated((StringColumnBuilder)c[18], resp.MessageSpan, resp.MessageSpan.Length, maxStringBytes);
        if (resp.BodySize > 0 && !resp.ContentTypeIsText)
        {
            ((StringColumnBuilder)c[19]).Append(RemovedBodyPlaceholder);
        }
        else
        {
            AppendTruncated((StringColumnBuilder)c[19], resp.BodySpan, resp.BodySize, maxBodyBytes);
        }

        ((Int64ColumnBuilder)c[20]).Append(resp.BodySize);
        ((Int64ColumnBuilder)c[21]).Append(resp.TimestampNs > req.TimestampNs ? (long)(resp.TimestampNs - req.TimestampNs) : 0);
    }

    /// <summary>The rows written since the last call, or null when there are none.</summary>
    public RowBatch? TakeBatch()
    {
        if (_b.RowCount == 0)
        {
            return null;
        }

        var batch = _b.Build();
        _b = new RowBatchBuilder(PemSchemas.HttpEvents, Math.Max(256, batch.RowCount));
        return batch;
    }

    /// <summary>Appends <paramref name="value"/>; when the full value (<paramref name="fullLength"/>) exceeds <paramref name="max"/>, its first bytes and the marker.</summary>
    internal static void AppendTruncated(StringColumnBuilder col, ReadOnlySpan<byte> value, long fullLength, int max)
    {
        if (fullLength <= max && value.Length <= max)
        {
            col.Append(value);
            return;
        }

        var keep = Math.Min(value.Length, max);
        var dst = col.BeginAppend(keep + TruncatedSuffix.Length);
        value[..keep].CopyTo(dst);
        TruncatedSuffix.CopyTo(dst[keep..]);
        col.CommitWritten(keep + TruncatedSuffix.Length);
    }
}
