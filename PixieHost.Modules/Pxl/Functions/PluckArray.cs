using System.Buffers;
using System.Text.Json;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// px.pluck_array(json, index): element <c>index</c> of a JSON array, as Pixie's PluckArrayUDF: strings unquoted,
/// other values as their JSON text, "" when the input is not an array, the index is out of range or the value is null.
/// </summary>
public static class PluckArray
{
    public static void Register(FunctionRegistry r) =>
        r.Register(new ScalarFunction("pluck_array").Add([DataType.String, DataType.Int64], DataType.String, Kernel));

    private static Column Kernel(ReadOnlySpan<Datum> args, int n)
    {
        var json = (StringColumn)args[0].ToColumn(n);
        var index = (Int64Column)args[1].ToColumn(n);
        var b = new StringColumnBuilder(n);
        var scratch = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            for (var i = 0; i < n; i++)
            {
                b.Append(Element(json.GetSpan(i), index.Values[i], ref scratch));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        return b.Build();
    }

    private static ReadOnlySpan<byte> Element(ReadOnlySpan<byte> json, long index, ref byte[] scratch)
    {
        if (index < 0)
        {
            return default;
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return default;
            }

            for (long k = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; k++)
            {
                if (k < index)
                {
                    reader.Skip();
                    continue;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.Null:
                        return default;
                    case JsonTokenType.String:
                        if (!reader.ValueIsEscaped)
                        {
                            return reader.ValueSpan;
                        }

                        if (scratch.Length < reader.ValueSpan.Length)
                        {
                            ArrayPool<byte>.Shared.Return(scratch);
                            scratch = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                        }

                        return scratch.AsSpan(0, reader.CopyString(scratch));
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        return json[start..(int)reader.BytesConsumed];
                    default:
                        return reader.ValueSpan;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: "" as Pixie.
        }

        return default;
    }
}
