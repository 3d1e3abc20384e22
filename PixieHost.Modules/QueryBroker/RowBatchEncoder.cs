using System.Buffers;
using System.Text;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Writes <c>ExecuteScriptResponse{query_id, data{batch: RowBatchData}}</c> straight from table-store columns into a
/// buffer, byte for byte what Google.Protobuf would produce from <see cref="RowBatchWireFormat.ToRowBatchData"/>
/// but without a message object per value (one <c>ByteString</c> per string, one <c>UInt128</c> per upid): two
/// passes over the rows, one for sizes and one for bytes.
/// </summary>
public static class RowBatchEncoder
{
    // Field numbers of px.api.vizierpb messages used below.
    private const int ResponseQueryId = 2, ResponseData = 3, QueryDataBatch = 1;
    private const int BatchCols = 1, BatchNumRows = 2, BatchEow = 3, BatchEos = 4, BatchTableId = 5;
    private const int ColBoolean = 1, ColInt64 = 2, ColUInt128 = 3, ColTime64 = 4, ColFloat64 = 5, ColString = 6;

    /// <summary>How many rows of <paramref name="batch"/> fit one message of about <paramref name="maxBytes"/> (at least 1, at most <paramref name="maxRows"/>).</summary>
    public static int RowsPerMessage(RowBatch batch, long maxBytes, int maxRows)
    {
        var bytesPerRow = Math.Max(1, batch.ByteSize / Math.Max(1, batch.RowCount));
        return (int)Math.Clamp(maxBytes / bytesPerRow, 1, maxRows);
    }

    /// <summary>Encodes rows [start, start+count) of <paramref name="batch"/> as one response message; returns its size.</summary>
    public static int EncodeResponse(IBufferWriter<byte> output, string queryId, RowBatch batch, int start, int count, string tableId, bool eow, bool eos)
    {
        var columns = batch.Columns;
        Span<int> typedSizes = columns.Count <= 64 ? stackalloc int[columns.Count] : new int[columns.Count];
        var batchSize = 0;
        for (var c = 0; c < columns.Count; c++)
        {
            typedSizes[c] = TypedColumnSize(columns[c], start, count);
            batchSize += ProtoWriter.DelimitedSize(ProtoWriter.DelimitedSize(typedSizes[c]));
        }

        var tableIdBytes = Encoding.UTF8.GetByteCount(tableId);
        var queryIdBytes = Encoding.UTF8.GetByteCount(queryId);
        batchSize += count != 0 ? 1 + ProtoWriter.VarintSize((ulong)count) : 0;
        batchSize += (eow ? 2 : 0) + (eos ? 2 : 0);
        batchSize += tableIdBytes != 0 ? ProtoWriter.DelimitedSize(tableIdBytes) : 0;
        var dataSize = ProtoWriter.DelimitedSize(batchSize);
        var total = (queryIdBytes != 0 ? ProtoWriter.DelimitedSize(queryIdBytes) : 0) + ProtoWriter.DelimitedSize(dataSize);

        var w = new ProtoWriter(output.GetSpan(total));
        if (queryIdBytes != 0)
        {
            WriteString(ref w, ResponseQueryId, queryId, queryIdBytes);
        }

        w.BeginDelimited(ResponseData, dataSize);
        w.BeginDelimited(QueryDataBatch, batchSize);
        for (var c = 0; c < columns.Count; c++)
        {
            WriteColumn(ref w, columns[c], start, count, typedSizes[c]);
        }

        if (count != 0)
        {
            w.Tag(BatchNumRows, ProtoWriter.Varint);
            w.WriteVarint((ulong)count);
        }

        WriteFlag(ref w, BatchEow, eow);
        WriteFlag(ref w, BatchEos, eos);
        if (tableIdBytes != 0)
        {
            WriteString(ref w, BatchTableId, tableId, tableIdBytes);
        }

        output.Advance(total);
        return total;
    }

    /// <summary>Size of e.g. <c>Int64Column{ data }</c>: one packed field, or one field per element for messages and bytes.</summary>
    private static int TypedColumnSize(Column column, int start, int count)
    {
        if (count == 0)
        {
            return 0;
        }

        switch (column)
        {
            case Int64Column c:
                return ProtoWriter.DelimitedSize(PackedInt64Size(c.Values.AsSpan(start, count)));
            case Float64Column:
                return ProtoWriter.DelimitedSize(8 * count);
            case BooleanColumn:
                return ProtoWriter.DelimitedSize(count);
            case UInt128Column c:
                var n = 0;
                foreach (var v in c.Values.AsSpan(start, count))
                {
                    n += ProtoWriter.DelimitedSize(UInt128Size(v));
                }

                return n;
            case StringColumn c:
                var s = 0;
                for (var i = start; i < start + count; i++)
                {
                    s += ProtoWriter.DelimitedSize(c.Offsets[i + 1] - c.Offsets[i]);
                }

                return s;
            default:
                throw new NotSupportedException($"Column type {column.Type} has no vizierpb encoding.");
        }
    }

    /// <summary>One <c>Column</c> message: its oneof field (by type) holding the typed column of <paramref name="typed"/> bytes.</summary>
    private static void WriteColumn(ref ProtoWriter w, Column column, int start, int count, int typed)
    {
        var field = column switch
        {
            Int64Column c when c.Type == DataType.Time64NS => ColTime64,
            Int64Column => ColInt64,
            Float64Column => ColFloat64,
            BooleanColumn => ColBoolean,
            UInt128Column => ColUInt128,
            _ => ColString,
        };

        w.BeginDelimited(BatchCols, ProtoWriter.DelimitedSize(typed));
        w.BeginDelimited(field, typed);
        if (count == 0)
        {
            return;
        }

        switch (column)
        {
            case Int64Column c:
                var values = c.Values.AsSpan(start, count);
                w.BeginDelimited(1, PackedInt64Size(values));
                foreach (var v in values)
                {
                    w.WriteVarint((ulong)v);
                }

                break;
            case Float64Column c:
                w.BeginDelimited(1, 8 * count);
                foreach (var v in c.Values.AsSpan(start, count))
                {
                    w.WriteDouble(v);
                }

                break;
            case BooleanColumn c:
                w.BeginDelimited(1, count);
                foreach (var v in c.Values.AsSpan(start, count))
                {
                    w.WriteVarint(v ? 1UL : 0UL);
                }

                break;
            case UInt128Column c:
                foreach (var v in c.Values.AsSpan(start, count))
                {
                    w.BeginDelimited(1, UInt128Size(v));
                    WriteUInt128(ref w, v);
                }

                break;
            case StringColumn c:
                for (var i = start; i < start + count; i++)
                {
                    var value = c.GetSpan(i);
                    w.BeginDelimited(1, value.Length);
                    w.WriteBytes(value);
                }

                break;
        }
    }

    private static int PackedInt64Size(ReadOnlySpan<long> values)
    {
        var n = 0;
        foreach (var v in values)
        {
            n += ProtoWriter.VarintSize((ulong)v);
        }

        return n;
    }

    /// <summary><c>UInt128{ low = 1; high = 2 }</c>, zero fields omitted as proto3 does.</summary>
    private static int UInt128Size(UInt128 v)
    {
        var low = (ulong)v;
        var high = (ulong)(v >> 64);
        return (low != 0 ? 1 + ProtoWriter.VarintSize(low) : 0) + (high != 0 ? 1 + ProtoWriter.VarintSize(high) : 0);
    }

    private static void WriteUInt128(ref ProtoWriter w, UInt128 v)
    {
        var low = (ulong)v;
        var high = (ulong)(v >> 64);
        if (low != 0)
        {
            w.Tag(1, ProtoWriter.Varint);
            w.WriteVarint(low);
        }

        if (high != 0)
        {
            w.Tag(2, ProtoWriter.Varint);
            w.WriteVarint(high);
        }
    }

    private static void WriteFlag(ref ProtoWriter w, int field, bool value)
    {
        if (value)
        {
            w.Tag(field, ProtoWriter.Varint);
            w.WriteVarint(1);
        }
    }

    private static void WriteString(ref ProtoWriter w, int field, string value, int byteCount)
    {
        w.BeginDelimited(field, byteCount);
        w.WriteUtf8(value);
    }
}
