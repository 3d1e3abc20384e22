using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols;

/// <summary>
/// Builds rows of a table that starts with the eight socket columns (time_, upid, remote_addr, remote_port,
/// local_addr, local_port, trace_role, encrypted) in fixed-size batches. A protocol writer calls
/// <see cref="BeginRow"/>, appends its own columns (index 8 on) to <see cref="Columns"/>, then <see cref="EndRow"/>.
/// Batches are sized like the last full one, so steady traffic never regrows the builders.
/// </summary>
public sealed class SocketEventsWriter
{
    /// <summary>Rows per batch: 8192 puts the 64 KiB int64 columns just under the large object heap.</summary>
    public const int RowsPerBatch = 8192;

    /// <summary>Index of the first protocol-specific column.</summary>
    public const int FirstProtocolColumn = 8;

    private readonly TableSchema _schema;
    private readonly List<RowBatch> _ready = [];
    private readonly int[] _stringBytes;
    private RowBatchBuilder _b;

    public SocketEventsWriter(TableSchema schema)
    {
        _schema = schema;
        _stringBytes = new int[schema.Count];
        _b = NewBuilder();
    }

    /// <summary>Pixie's marker after a truncated string (core/data_table.h).</summary>
    public static ReadOnlySpan<byte> TruncatedSuffix => "... [TRUNCATED]"u8;

    public TableSchema Schema => _schema;

    /// <summary>The column builders of the row being written.</summary>
    public ColumnBuilder[] Columns => _b.Columns;

    /// <summary>The int64 builder of column <paramref name="i"/> (schema order).</summary>
    public Int64ColumnBuilder Int64(int i) => (Int64ColumnBuilder)_b.Columns[i];

    public StringColumnBuilder String(int i) => (StringColumnBuilder)_b.Columns[i];

    public BooleanColumnBuilder Boolean(int i) => (BooleanColumnBuilder)_b.Columns[i];

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

    /// <summary>Writes the socket columns of a row whose request started at <paramref name="requestTsNs"/> (CLOCK_MONOTONIC).</summary>
    public void BeginRow(ConnTracker conn, ulong requestTsNs, long realtimeOffsetNs)
    {
        var c = _b.Columns;
        ((Int64ColumnBuilder)c[0]).Append((long)requestTsNs + realtimeOffsetNs);
        ((UInt128ColumnBuilder)c[1]).Append(conn.Upid.Value);
        ((StringColumnBuilder)c[2]).Append(conn.RemoteAddrUtf8);
        ((Int64ColumnBuilder)c[3]).Append(conn.RemotePort);
        ((StringColumnBuilder)c[4]).Append(conn.LocalAddrUtf8);
        ((Int64ColumnBuilder)c[5]).Append(conn.LocalPort);
        ((Int64ColumnBuilder)c[6]).Append((long)conn.Role);
        ((BooleanColumnBuilder)c[7]).Append(conn.Encrypted);
    }

    /// <summary>Ends the row; every column must have had one value appended since <see cref="BeginRow"/>.</summary>
    public void EndRow()
    {
        if (_b.RowCount == RowsPerBatch)
        {
            Seal();
        }
    }

    /// <summary>Latency in ns between two CLOCK_MONOTONIC timestamps; 0 when the response is not later.</summary>
    public static long Latency(ulong requestTsNs, ulong responseTsNs) =>
        responseTsNs > requestTsNs ? (long)(responseTsNs - requestTsNs) : 0;

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

    /// <summary>Appends <paramref name="value"/>; when the full value (<paramref name="fullLength"/>) exceeds <paramref name="max"/>, its first bytes and the marker.</summary>
    public static void AppendTruncated(StringColumnBuilder col, ReadOnlySpan<byte> value, long fullLength, int max)
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

    /// <summary><see cref="AppendTruncated(StringColumnBuilder, ReadOnlySpan{byte}, long, int)"/> of the whole value.</summary>
    public static void AppendTruncated(StringColumnBuilder col, ReadOnlySpan<byte> value, int max) =>
        AppendTruncated(col, value, value.Length, max);

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

    private RowBatchBuilder NewBuilder()
    {
        var b = new RowBatchBuilder(_schema, RowsPerBatch);
        for (var i = 0; i < b.Columns.Length; i++)
        {
            if (b.Columns[i] is StringColumnBuilder)
            {
                b.Columns[i] = new StringColumnBuilder(RowsPerBatch, Math.Max(RowsPerBatch * 8, _stringBytes[i] + (_stringBytes[i] / 8)));
            }
        }

        return b;
    }
}
