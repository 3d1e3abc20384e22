using Google.Protobuf.Collections;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Client;

/// <summary>
/// Turns <c>ExecuteScriptResponse</c> messages into <see cref="ResultEvent"/>s: relations into <see cref="TableInfo"/>,
/// column messages into typed arrays; an error status into <see cref="PxlScriptException"/> or <see cref="PixieException"/>,
/// an OK status with a message into a <see cref="WarningEvent"/>.
/// </summary>
internal sealed class ResponseDecoder(string script)
{
    private readonly Dictionary<string, TableInfo> _tables = new(StringComparer.Ordinal);

    public string QueryId { get; private set; } = string.Empty;

    public void Decode(Pb.ExecuteScriptResponse response, List<ResultEvent> events)
    {
        if (QueryId.Length == 0)
        {
            QueryId = response.QueryId;
        }

        if (response.Status is { } status)
        {
            if (status.Code != 0)
            {
                throw ToException(status);
            }

            if (!string.IsNullOrEmpty(status.Message))
            {
                events.Add(new WarningEvent(status.Message));
            }
        }

        switch (response.ResultCase)
        {
            case Pb.ExecuteScriptResponse.ResultOneofCase.MetaData:
                var info = ToTableInfo(response.MetaData);
                _tables[info.Id] = info;
                events.Add(new TableMetadataEvent(info));
                break;
            case Pb.ExecuteScriptResponse.ResultOneofCase.Data when response.Data.Batch is { } batch:
                events.Add(new BatchEvent(ToBatch(batch)));
                break;
            case Pb.ExecuteScriptResponse.ResultOneofCase.Data when response.Data.ExecutionStats is { } s:
                events.Add(new StatsEvent(new ExecutionStats(
                    s.Timing?.CompilationTimeNs ?? 0, s.Timing?.ExecutionTimeNs ?? 0, s.BytesProcessed, s.RecordsProcessed)));
                break;
            case Pb.ExecuteScriptResponse.ResultOneofCase.Data when !response.Data.EncryptedBatch.IsEmpty:
                throw new PixieException(StatusCode.Unimplemented, "The server sent an encrypted batch; PixieHost.Client does not request or decrypt those.");
        }
    }

    private static TableInfo ToTableInfo(Pb.QueryMetadata metadata)
    {
        var columns = new List<ColumnInfo>();
        foreach (var c in metadata.Relation?.Columns ?? [])
        {
            columns.Add(new ColumnInfo(c.ColumnName, (ColumnType)(int)c.ColumnType, (SemanticType)(int)c.ColumnSemanticType, c.ColumnDesc));
        }

        return new TableInfo(metadata.Id, metadata.Name, columns);
    }

    private ResultBatch ToBatch(Pb.RowBatchData batch)
    {
        if (!_tables.TryGetValue(batch.TableId, out var table))
        {
            throw new PixieException(StatusCode.Internal, $"The server sent a batch of table id '{batch.TableId}' before its metadata.");
        }

        if (batch.Cols.Count != table.Columns.Count)
        {
            throw Malformed(table, $"a batch has {batch.Cols.Count} columns, the relation {table.Columns.Count}");
        }

        var rows = checked((int)batch.NumRows);
        var columns = new Array[batch.Cols.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var expected = table.Columns[c].Type;
            var (values, type) = ToArray(batch.Cols[c]);
            if (type != expected || values.Length != rows)
            {
                throw Malformed(table, $"column '{table.Columns[c].Name}' came as {type} with {values.Length} values; the relation says {expected}, the batch {rows} rows");
            }

            columns[c] = values;
        }

        return new ResultBatch(table, columns, rows, batch.Eow, batch.Eos);
    }

    private static (Array Values, ColumnType Type) ToArray(Pb.Column column) => column.ColDataCase switch
    {
        Pb.Column.ColDataOneofCase.BooleanData => (Copy(column.BooleanData.Data), ColumnType.Boolean),
        Pb.Column.ColDataOneofCase.Int64Data => (Copy(column.Int64Data.Data), ColumnType.Int64),
        Pb.Column.ColDataOneofCase.Time64NsData => (Copy(column.Time64NsData.Data), ColumnType.Time64NS),
        Pb.Column.ColDataOneofCase.Float64Data => (Copy(column.Float64Data.Data), ColumnType.Float64),
        Pb.Column.ColDataOneofCase.StringData => (Strings(column.StringData.Data), ColumnType.String),
        Pb.Column.ColDataOneofCase.Uint128Data => (UInt128s(column.Uint128Data.Data), ColumnType.UInt128),
        _ => (Array.Empty<long>(), ColumnType.Unknown),
    };

    private static T[] Copy<T>(RepeatedField<T> field)
    {
        var values = new T[field.Count];
        field.CopyTo(values, 0);
        return values;
    }

    private static string[] Strings(RepeatedField<Google.Protobuf.ByteString> field)
    {
        var values = new string[field.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = field[i].ToStringUtf8();
        }

        return values;
    }

    private static UInt128[] UInt128s(RepeatedField<Pb.UInt128> field)
    {
        var values = new UInt128[field.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new UInt128(field[i].High, field[i].Low);
        }

        return values;
    }

    private static PixieException Malformed(TableInfo table, string what) =>
        new(StatusCode.Internal, $"Malformed result for table '{table.Name}': {what}.");

    private PixieException ToException(Pb.Status status)
    {
        foreach (var detail in status.ErrorDetails)
        {
            if (detail.CompilerError is { } ce)
            {
                var line = (int)Math.Min(ce.Line, int.MaxValue);
                return new PxlScriptException(line, (int)Math.Min(ce.Column, int.MaxValue), ce.Message, SourceLine(line));
            }
        }

        var code = (StatusCode)status.Code;
        return new PixieException(code, string.IsNullOrEmpty(status.Message) ? $"The query failed with {code}." : $"{code}: {status.Message}");
    }

    private string? SourceLine(int line)
    {
        var lines = script.Split('\n');
        return line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : null;
    }
}
