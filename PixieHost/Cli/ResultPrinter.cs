using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.TableStore;

namespace PixieHost.Cli;

/// <summary>The CLI's <c>-o</c> formats, as in Pixie's <c>px run -o table|json|csv</c>.</summary>
public enum OutputFormat
{
    Table,
    Json,
    Csv,
}

/// <summary>
/// Prints a <see cref="ClientQueryResult"/>:
/// <list type="bullet">
/// <item><c>table</c>: per table a <c>Table ID: name</c> line, then aligned columns (numbers right-aligned) separated by two
/// spaces; tables separated by an empty line.</item>
/// <item><c>json</c>: one object per row per line, <c>"_table"</c> first, then the columns by name; INT64 and FLOAT64 as
/// numbers (NaN/Infinity as null), BOOLEAN as true/false, TIME64NS and UINT128 as strings (see <see cref="ValueFormatter"/>).</item>
/// <item><c>csv</c>: per table a header line and its rows, tables separated by an empty line; RFC 4180 quoting (fields with
/// a comma, quote, CR or LF are quoted, quotes doubled); lines end with LF, like Go's csv writer that Pixie's CLI uses.</item>
/// </list>
/// Duration and byte columns are printed as raw numbers for now.
/// </summary>
public static class ResultPrinter
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool TryParseFormat(string? text, out OutputFormat format) =>
        Enum.TryParse(text, ignoreCase: true, out format) && Enum.IsDefined(format);

    public static void Print(ClientQueryResult result, OutputFormat format, TextWriter output)
    {
        switch (format)
        {
            case OutputFormat.Json:
                PrintJson(result, output);
                break;
            case OutputFormat.Csv:
                PrintCsv(result, output);
                break;
            default:
                PrintTable(result, output);
                break;
        }
    }

    /// <summary>
    /// An error as the user should see it: compile errors as "line L, col C: message", the source line and a caret
    /// (the source line is taken from <paramref name="script"/> when the error does not carry it).
    /// </summary>
    public static void PrintError(Exception error, TextWriter output, string? script = null)
    {
        switch (error)
        {
            case PxlCompileException ce:
                var withSource = ce.SourceLine is null && script is not null && ce.Line >= 1 && ce.Line <= script.Split('\n').Length
                    ? new PxlCompileException(ce.Message, ce.Line, ce.Column, script.Split('\n')[ce.Line - 1].TrimEnd('\r'))
                    : ce;
                output.WriteLine($"Compile error: {withSource.Render()}");
                break;
            case RpcException rpc:
                output.WriteLine($"Error: {rpc.Status}: {rpc.Detail}");
                break;
            default:
                output.WriteLine($"Error: {error.Message}");
                break;
        }
    }

    private static void PrintTable(ClientQueryResult result, TextWriter output)
    {
        for (var t = 0; t < result.Tables.Count; t++)
        {
            var table = result.Tables[t];
            if (t > 0)
            {
                output.WriteLine();
            }

            output.WriteLine($"Table ID: {table.Name}");
            var columns = table.Relation.Columns;
            var cells = new List<string[]>();
            var widths = columns.Select(c => c.Name.Length).ToArray();
            foreach (var batch in table.Batches)
            {
                for (var r = 0; r < batch.RowCount; r++)
                {
                    var row = new string[columns.Count];
                    for (var c = 0; c < row.Length; c++)
                    {
                        row[c] = columns[c].Semantic == SemanticType.ScriptReference
                            ? ValueFormatter.ScriptReferenceLabel(ValueFormatter.Format(batch.Columns[c], r))
                            : ValueFormatter.Format(batch.Columns[c], r);
                        widths[c] = Math.Max(widths[c], row[c].Length);
                    }

                    cells.Add(row);
                }
            }

            WriteAligned(output, columns.Select(c => c.Name).ToArray(), columns, widths);
            foreach (var row in cells)
            {
                WriteAligned(output, row, columns, widths);
            }
        }
    }

    private static void WriteAligned(TextWriter output, string[] values, IReadOnlyList<ColumnSchema> columns, int[] widths)
    {
        var line = new StringBuilder();
        for (var c = 0; c < values.Length; c++)
        {
            if (c > 0)
            {
                line.Append("  ");
            }

            var last = c == values.Length - 1;
            if (ValueFormatter.IsNumeric(columns[c].Type))
            {
                line.Append(values[c].PadLeft(widths[c]));
            }
            else
            {
                line.Append(last ? values[c] : values[c].PadRight(widths[c]));
            }
        }

        output.WriteLine(line.ToString().TrimEnd());
    }

    private static void PrintJson(ClientQueryResult result, TextWriter output)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var table in result.Tables)
        {
            foreach (var batch in table.Batches)
            {
                for (var r = 0; r < batch.RowCount; r++)
                {
                    buffer.ResetWrittenCount();
                    using (var json = new Utf8JsonWriter(buffer, JsonOptions))
                    {
                        json.WriteStartObject();
                        json.WriteString("_table", table.Name);
                        for (var c = 0; c < batch.Columns.Count; c++)
                        {
                            WriteJsonValue(json, table.Relation[c].Name, batch.Columns[c], r);
                        }

                        json.WriteEndObject();
                    }

                    output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
                }
            }
        }
    }

    private static void WriteJsonValue(Utf8JsonWriter json, string name, Column column, int row)
    {
        switch (column)
        {
            case Int64Column c when c.Type == DataType.Int64:
                json.WriteNumber(name, c.Values[row]);
                break;
            case Float64Column c when double.IsFinite(c.Values[row]):
                json.WriteNumber(name, c.Values[row]);
                break;
            case Float64Column:
                json.WriteNull(name);
                break;
            case BooleanColumn c:
                json.WriteBoolean(name, c.Values[row]);
                break;
            default:
                json.WriteString(name, ValueFormatter.Format(column, row));
                break;
        }
    }

    private static void PrintCsv(ClientQueryResult result, TextWriter output)
    {
        for (var t = 0; t < result.Tables.Count; t++)
        {
            var table = result.Tables[t];
            if (t > 0)
            {
                output.Write('\n');
            }

            output.Write(string.Join(',', table.Relation.Columns.Select(c => CsvField(c.Name))));
            output.Write('\n');
            foreach (var batch in table.Batches)
            {
                for (var r = 0; r < batch.RowCount; r++)
                {
                    for (var c = 0; c < batch.Columns.Count; c++)
                    {
                        if (c > 0)
                        {
                            output.Write(',');
                        }

                        output.Write(CsvField(ValueFormatter.Format(batch.Columns[c], r)));
                    }

                    output.Write('\n');
                }
            }
        }
    }

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
