using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>
/// Writes stitched request/response pairs as http_events rows, straight from the frames' bytes into the column
/// builders: no string is made per row. Truncation follows Pixie: bodies at <c>maxBodyBytes</c> (512,
/// <c>PL_STIRLING_MAX_BODY_BYTES</c>), other strings at <c>maxStringBytes</c> (1024), then "... [TRUNCATED]".
/// A response body whose Content-Type is neither json nor text becomes <see cref="RemovedBodyPlaceholder"/>.
/// </summary>
public sealed class HttpEventsWriter
{
    private readonly int _maxBodyBytes;
    private readonly int _maxStringBytes;

    /// <summary>Pixie's marker after a truncated string (core/data_table.h).</summary>
    public static ReadOnlySpan<byte> TruncatedSuffix => "... [TRUNCATED]"u8;

    /// <summary>Stored instead of a response body filtered out by Content-Type.</summary>
    public static ReadOnlySpan<byte> RemovedBodyPlaceholder => "<removed: non-text content-type>"u8;

    /// <summary>
    /// Rows per batch. Fixed-size batches keep the column builders from growing by doubling (which allocated and
    /// copied ~4x the stored bytes at 200k rows); 8192 rows put the 64 KiB int64 columns just under the LOH.
    /// </summary>
    public const int RowsPerBatch = 8192;

    private readonly List<RowBatch> _ready = [];
    private readonly int[] _stringBytes = new int[PemSchemas.HttpEvents.Count];
    private RowBatchBuilder _b;

    public HttpEventsWriter(int maxBodyBytes = 512, int maxStringBytes = 1024)
    {
        _maxBodyBytes = maxBodyBytes;
        _maxStringBytes = maxStringBytes;
        _b = NewBuilder();
    }

    /// <summary>Rows written and not yet taken.</summary>
    public int RowCount
    {
        get
        {
            var n = _b.RowCount;
            foreach (var b in _ready)
            {
                n += b.RowCount;
            }

            return n;
        }
    }

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
        ((BooleanColumnBuilder)c[7]).Append(conn.Encrypted);
        ((Int64ColumnBuilder)c[8]).Append(1);
        ((Int64ColumnBuilder)c[9]).Append(resp.MinorVersion);
        ((Int64ColumnBuilder)c[10]).Append(resp.ContentTypeIsJson ? 1 : 0);
        HttpHeadersJson.Write((StringColumnBuilder)c[11], req, _maxStringBytes);
        AppendTruncated((StringColumnBuilder)c[12], req.MethodSpan, req.MethodSpan.Length, _maxStringBytes);
        AppendTruncated((StringColumnBuilder)c[13], req.PathSpan, req.PathSpan.Length, _maxStringBytes);
        AppendTruncated((StringColumnBuilder)c[14], req.BodySpan, req.BodySize, _maxBodyBytes);
        ((Int64ColumnBuilder)c[15]).Append(req.BodySize);
        HttpHeadersJson.Write((StringColumnBuilder)c[16], resp, _maxStringBytes);
        ((Int64ColumnBuilder)c[17]).Append(resp.Status);
        AppendTruncated((StringColumnBuilder)c[18], resp.MessageSpan, resp.MessageSpan.Length, _maxStringBytes);
        if (resp.BodySize > 0 && !resp.ContentTypeIsText)
        {
            ((StringColumnBuilder)c[19]).Append(RemovedBodyPlaceholder);
        }
        else if (resp.BodySize > 0 && resp.ContentEncodingGzip)
        {
            HttpGzip.AppendInflated((StringColumnBuilder)c[19], resp, _maxBodyBytes);
        }
        else
        {
            AppendTruncated((StringColumnBuilder)c[19], resp.BodySpan, resp.BodySize, _maxBodyBytes);
        }

        ((Int64ColumnBuilder)c[20]).Append(resp.BodySize);
        ((Int64ColumnBuilder)c[21]).Append(resp.TimestampNs > req.TimestampNs ? (long)(resp.TimestampNs - req.TimestampNs) : 0);
        if (_b.RowCount == RowsPerBatch)
        {
            Seal();
        }
    }

    /// <summary>The batches written since the last call (empty when there are none).</summary>
    public List<RowBatch> TakeBatches()
    {
        if (_b.RowCount > 0)
        {
            Seal();
        }

        var batches = new List<RowBatch>(_ready);
        _ready.Clear();
        return batches;
    }

    private void Seal()
    {
        var batch = _b.Build();
        for (var i = 0; i < batch.Columns.Count; i++)
        {
            if (batch[i] is StringColumn s)
            {
                _stringBytes[i] = s.Offsets[s.Length];
            }
        }

        _ready.Add(batch);
        _b = NewBuilder();
    }

    /// <summary>A builder sized like the last full batch, so a batch of the same traffic never grows.</summary>
    private RowBatchBuilder NewBuilder()
    {
        var b = new RowBatchBuilder(PemSchemas.HttpEvents, RowsPerBatch);
        for (var i = 0; i < b.Columns.Length; i++)
        {
            if (b.Columns[i] is StringColumnBuilder)
            {
                b.Columns[i] = new StringColumnBuilder(RowsPerBatch, Math.Max(RowsPerBatch * 8, _stringBytes[i] + (_stringBytes[i] / 8)));
            }
        }

        return b;
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
