using Google.Protobuf;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Converts between table-store relations and column batches and their <c>px.api.vizierpb</c> wire messages
/// (<c>Relation</c>, <c>RowBatchData</c>). The server encodes row ranges without slicing copies; the client decodes
/// straight into column builders.
/// </summary>
public static class RowBatchWireFormat
{
    public static Pb.Relation ToRelation(TableSchema schema)
    {
        var relation = new Pb.Relation();
        foreach (var c in schema.Columns)
        {
            relation.Columns.Add(new Pb.Relation.Types.ColumnInfo
            {
                ColumnName = c.Name,
                ColumnType = (Pb.DataType)c.Type,
                ColumnDesc = c.Description,
                ColumnSemanticType = (Pb.SemanticType)c.Semantic,
            });
        }

        return relation;
    }

    public static TableSchema FromRelation(string name, Pb.Relation relation)
    {
        var columns = new ColumnSchema[relation.Columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var c = relation.Columns[i];
            columns[i] = new ColumnSchema(c.ColumnName, (DataType)c.ColumnType, (SemanticType)c.ColumnSemanticType, c.ColumnDesc);
        }

        return new TableSchema(name, columns);
    }

    /// <summary>Rows [start, start+count) of <paramref name="batch"/> as one wire batch.</summary>
    public static Pb.RowBatchData ToRowBatchData(RowBatch batch, int start, int count, string tableId, bool eow, bool eos)
    {
        var data = new Pb.RowBatchData { NumRows = count, Eow = eow, Eos = eos, TableId = tableId };
        foreach (var column in batch.Columns)
        {
            data.Cols.Add(ToColumn(column, start, count));
        }

        return data;
    }

    public static Pb.Column ToColumn(Column column, int start, int count)
    {
        switch (column)
        {
            case Int64Column c when c.Type == DataType.Time64NS:
                var times = new Pb.Time64NSColumn();
                times.Data.AddRange(new ArraySegment<long>(c.Values, start, count));
                return new Pb.Column { Time64NsData = times };
            case Int64Column c:
                var longs = new Pb.Int64Column();
                longs.Data.AddRange(new ArraySegment<long>(c.Values, start, count));
                return new Pb.Column { Int64Data = longs };
            case Float64Column c:
                var doubles = new Pb.Float64Column();
                doubles.Data.AddRange(new ArraySegment<double>(c.Values, start, count));
                return new Pb.Column { Float64Data = doubles };
            case BooleanColumn c:
                var bools = new Pb.BooleanColumn();
                bools.Data.AddRange(new ArraySegment<bool>(c.Values, start, count));
                return new Pb.Column { BooleanData = bools };
            case UInt128Column c:
                var uints = new Pb.UInt128Column();
                for (var i = start; i < start + count; i++)
                {
                    var v = c.Values[i];
                    uints.Data.Add(new Pb.UInt128 { High = (ulong)(v >> 64), Low = (ulong)v });
                }

                return new Pb.Column { Uint128Data = uints };
            case StringColumn c:
                var strings = new Pb.StringColumn();
                for (var i = start; i < start + count; i++)
                {
                    strings.Data.Add(ByteString.CopyFrom(c.GetSpan(i)));
                }

                return new Pb.Column { StringData = strings };
            default:
                throw new NotSupportedException($"Column type {column.Type} has no vizierpb encoding.");
        }
    }

    /// <summary>Decodes a wire batch whose columns follow <paramref name="schema"/>; throws <see cref="InvalidDataException"/> on a mismatch.</summary>
    public static RowBatch FromRowBatchData(TableSchema schema, Pb.RowBatchData data)
    {
        if (data.Cols.Count != schema.Count)
        {
            throw new InvalidDataException($"Batch of table '{schema.Name}' has {data.Cols.Count} columns, the relation {schema.Count}.");
        }

        var rows = checked((int)data.NumRows);
        var columns = new Column[schema.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = FromColumn(data.Cols[i], schema[i], rows);
        }

        return new RowBatch(schema, columns, rows);
    }

    private static Column FromColumn(Pb.Column column, ColumnSchema schema, int rows)
    {
        Column result = column.ColDataCase switch
        {
            Pb.Column.ColDataOneofCase.Int64Data => new Int64Column([.. column.Int64Data.Data], column.Int64Data.Data.Count),
            Pb.Column.ColDataOneofCase.Time64NsData => new Int64Column([.. column.Time64NsData.Data], column.Time64NsData.Data.Count, DataType.Time64NS),
            Pb.Column.ColDataOneofCase.Float64Data => new Float64Column([.. column.Float64Data.Data], column.Float64Data.Data.Count),
            Pb.Column.ColDataOneofCase.BooleanData => new BooleanColumn([.. column.BooleanData.Data], column.BooleanData.Data.Count),
            Pb.Column.ColDataOneofCase.Uint128Data => DecodeUInt128(column.Uint128Data),
            Pb.Column.ColDataOneofCase.StringData => DecodeStrings(column.StringData),
            _ => throw new InvalidDataException($"Column '{schema.Name}' carries no data."),
        };

        if (result.Type != schema.Type || result.Length != rows)
        {
            throw new InvalidDataException(
                $"Column '{schema.Name}' is {result.Type} with {result.Length} rows; the relation says {schema.Type} with {rows}.");
        }

        return result;
    }

    private static UInt128Column DecodeUInt128(Pb.UInt128Column column)
    {
        var values = new UInt128[column.Data.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new UInt128(column.Data[i].High, column.Data[i].Low);
        }

        return new UInt128Column(values, values.Length);
    }

    private static StringColumn DecodeStrings(Pb.StringColumn column)
    {
        var builder = new StringColumnBuilder(column.Data.Count);
        foreach (var value in column.Data)
        {
            builder.Append(value.Span);
        }

        return builder.Build();
    }
}
