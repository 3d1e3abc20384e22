using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.QueryBroker;

/// <summary>One <c>RowBatchData</c> decoded straight into table-store columns.</summary>
public readonly record struct DecodedBatch(string TableId, Column[] Columns, long NumRows, bool Eow, bool Eos)
{
    /// <summary>The batch under <paramref name="schema"/>; throws <see cref="InvalidDataException"/> when its columns do not match it.</summary>
    public RowBatch ToRowBatch(TableSchema schema)
    {
        if (Columns.Length != schema.Count)
        {
            throw new InvalidDataException($"Batch of table '{schema.Name}' has {Columns.Length} columns, the relation {schema.Count}.");
        }

        for (var i = 0; i < schema.Count; i++)
        {
            if (Columns[i].Type != schema[i].Type)
            {
                throw new InvalidDataException($"Column '{schema[i].Name}' is {Columns[i].Type}; the relation says {schema[i].Type}.");
            }
        }

        return new RowBatch(schema, Columns, checked((int)NumRows));
    }
}

/// <summary>
/// Reads <c>ExecuteScriptResponse{data{batch}}</c> messages without Google.Protobuf objects (no <c>ByteString</c> per
/// string, no message per UInt128): the client side of <see cref="RowBatchEncoder"/>. Any other response, and any
/// malformed input, makes <see cref="TryDecodeBatchResponse"/> return false so the caller uses the generated parser.
/// </summary>
public static class RowBatchDecoder
{
    public static bool TryDecodeBatchResponse(ReadOnlySpan<byte> message, out DecodedBatch batch)
    {
        batch = default;
        var response = new ProtoReader(message);
        ReadOnlySpan<byte> batchBytes = default;
        var found = false;
        while (!response.End)
        {
            if (!response.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 3 && wire == ProtoWriter.LengthDelimited)
            {
                if (!response.TryReadLengthDelimited(out var data) || !TryFindBatch(data, out batchBytes))
                {
                    return false;
                }

                found = true;
            }
            else if (field is 1 or 4 or 5 || !response.TrySkip(wire))
            {
                // status, meta_data and mutation_info go through the generated parser.
                return false;
            }
        }

        return found && TryDecodeBatch(batchBytes, out batch);
    }

    /// <summary>QueryData whose only payload is <c>batch</c> (not execution_stats, not encrypted_batch).</summary>
    private static bool TryFindBatch(ReadOnlySpan<byte> queryData, out ReadOnlySpan<byte> batch)
    {
        batch = default;
        var reader = new ProtoReader(queryData);
        var found = false;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWriter.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out batch))
                {
                    return false;
                }

                found = true;
            }
            else if (field is 2 or 3 || !reader.TrySkip(wire))
            {
                return false;
            }
        }

        return found;
    }

    private static bool TryDecodeBatch(ReadOnlySpan<byte> bytes, out DecodedBatch batch)
    {
        batch = default;
        var reader = new ProtoReader(bytes);
        var columns = new List<Column>();
        ulong numRows = 0, eow = 0, eos = 0;
        var tableId = string.Empty;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            var ok = (field, wire) switch
            {
                (1, ProtoWriter.LengthDelimited) => reader.TryReadLengthDelimited(out var col) && TryAddColumn(col, columns),
                (2, ProtoWriter.Varint) => reader.TryReadVarint(out numRows),
                (3, ProtoWriter.Varint) => reader.TryReadVarint(out eow),
                (4, ProtoWriter.Varint) => reader.TryReadVarint(out eos),
                (5, ProtoWriter.LengthDelimited) => TryReadString(ref reader, out tableId),
                _ => reader.TrySkip(wire),
            };
            if (!ok)
            {
                return false;
            }
        }

        batch = new DecodedBatch(tableId, [.. columns], (long)numRows, eow != 0, eos != 0);
        return true;
    }

    private static bool TryReadString(ref ProtoReader reader, out string value)
    {
        value = string.Empty;
        if (!reader.TryReadLengthDelimited(out var bytes))
        {
            return false;
        }

        value = System.Text.Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>A <c>Column</c>: its oneof field number names the type; the last one set wins, as in protobuf.</summary>
    private static bool TryAddColumn(ReadOnlySpan<byte> bytes, List<Column> columns)
    {
        var reader = new ProtoReader(bytes);
        Column? column = null;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (wire != ProtoWriter.LengthDelimited || field is < 1 or > 6)
            {
                if (!reader.TrySkip(wire))
                {
                    return false;
                }

                continue;
            }

            if (!reader.TryReadLengthDelimited(out var typed) || !TypedColumnReader.TryRead(field, typed, out column))
            {
                return false;
            }
        }

        if (column is null)
        {
            return false;
        }

        columns.Add(column);
        return true;
    }
}
