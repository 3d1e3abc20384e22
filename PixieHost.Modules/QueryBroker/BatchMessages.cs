using System.Buffers;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.QueryBroker;

/// <summary>Writes row batches as ExecuteScriptResponse messages, the shape of the public API and of every internal stream.</summary>
public static class BatchMessages
{
    /// <summary>Bytes per message on the vizier's internal streams (pem → kelvin → broker); the receive limit is 4 MiB.</summary>
    public const int InternalMaxBytes = 1 << 20;

    /// <summary>Rows per message on the internal streams.</summary>
    public const int InternalMaxRows = 65_536;

    /// <summary>
    /// Rows of <paramref name="batch"/> in messages of about <paramref name="maxBytes"/> (at most <paramref name="maxRows"/>
    /// rows); the last one carries eow and eos when <paramref name="eos"/>. An empty batch is one empty message.
    /// </summary>
    public static async Task WriteAsync(
        IRpcStreamWriter<Pb.ExecuteScriptResponse> responses, ArrayBufferWriter<byte> buffer, string queryId, string tableId, RowBatch batch, bool eos, long maxBytes = InternalMaxBytes, int maxRows = InternalMaxRows)
    {
        var chunk = RowBatchEncoder.RowsPerMessage(batch, maxBytes, maxRows);
        var start = 0;
        do
        {
            var count = Math.Min(chunk, batch.RowCount - start);
            var last = start + count >= batch.RowCount;
            buffer.ResetWrittenCount();
            RowBatchEncoder.EncodeResponse(buffer, queryId, batch, start, count, tableId, eow: eos && last, eos: eos && last);
            await responses.WriteSerializedAsync(buffer.WrittenMemory);
            start += count;
        }
        while (start < batch.RowCount);
    }

    /// <summary>A batch of no rows in <paramref name="schema"/> (closes an empty table with eos).</summary>
    public static RowBatch Empty(TableSchema schema) =>
        new(schema, schema.Columns.Select(c => ColumnBuilder.For(c.Type, 0).Build()).ToArray(), 0);
}
