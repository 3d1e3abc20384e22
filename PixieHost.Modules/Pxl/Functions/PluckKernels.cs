using System.Text.Json;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>px.pluck / pluck_int64 / pluck_float64: one top-level field of a JSON string, read without decoding to string.</summary>
public static class PluckKernels
{
    public static Column PluckFloat64(ReadOnlySpan<Datum> args, int n)
    {
        var r = new double[n];
        Each(args, n, (i, ref reader) => r[i] = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : 0);
        return new Float64Column(r, n);
    }

    public static Column PluckInt64(ReadOnlySpan<Datum> args, int n)
    {
        var r = new long[n];
        Each(args, n, (i, ref reader) => r[i] = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v) ? v : 0);
        return new Int64Column(r, n);
    }

    public static Column Pluck(ReadOnlySpan<Datum> args, int n)
    {
        var values = new string[n];
        Each(args, n, (i, ref reader) => values[i] = reader.TokenType == JsonTokenType.String ? reader.GetString()! : System.Text.Encoding.UTF8.GetString(reader.ValueSpan));
        var b = new StringColumnBuilder(n);
        foreach (var v in values)
        {
            b.Append(v ?? string.Empty);
        }

        return b.Build();
    }

    private delegate void OnValue(int row, ref Utf8JsonReader reader);

    private static void Each(ReadOnlySpan<Datum> args, int n, OnValue onValue)
    {
        var json = (StringColumn)args[0].ToColumn(n);
        var keys = args[1].IsScalar ? null : (StringColumn)args[1].Column!;
        var key = args[1].IsScalar ? args[1].Scalar.Utf8 : null;
        for (var i = 0; i < n; i++)
        {
            try
            {
                var reader = new Utf8JsonReader(json.GetSpan(i));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var match = reader.ValueTextEquals(keys is null ? key : keys.GetSpan(i));
                    reader.Read();
                    if (match)
                    {
                        onValue(i, ref reader);
                        break;
                    }

                    reader.Skip();
                }
            }
            catch (JsonException)
            {
                // Not JSON: the row keeps its default, as Pixie's pluck returns an empty value.
            }
        }
    }
}
