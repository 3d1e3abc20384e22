using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// px.script_reference(label, script, {'arg': value, …}): a STRING of semantic type ST_SCRIPT_REFERENCE holding
/// <c>{"label":…,"script":…,"args":{…}}</c>, which the UI renders as a link that runs <c>script</c> with the args.
/// The compiler passes the dict as key/value argument pairs; values may be columns or constants of any type
/// and are written as strings, as Pixie's ScriptReferenceUDF takes them.
/// </summary>
public static class ScriptReference
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Register(FunctionRegistry r) => r.Register(new ScalarFunction("script_reference")
    {
        Dynamic = Resolve,
        DynamicArgs = "STRING,STRING,[STRING,ANY]...",
    });

    private static ScalarOverload? Resolve(IReadOnlyList<DataType> args)
    {
        if (args.Count < 2 || args.Count % 2 != 0 || args[0] != DataType.String || args[1] != DataType.String)
        {
            return null;
        }

        for (var i = 2; i < args.Count; i += 2)
        {
            if (args[i] != DataType.String)
            {
                return null;
            }
        }

        return new ScalarOverload(args.ToArray(), DataType.String, Kernel, SemanticRule.Fixed, SemanticType.ScriptReference);
    }

    private static Column Kernel(ReadOnlySpan<Datum> args, int n)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        var builder = new StringColumnBuilder(n);
        Span<byte> number = stackalloc byte[64];
        for (var row = 0; row < n; row++)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteString("label"u8, Utf8(args[0], row));
            writer.WriteString("script"u8, Utf8(args[1], row));
            writer.WriteStartObject("args"u8);
            for (var i = 2; i + 1 < args.Length; i += 2)
            {
                writer.WritePropertyName(Utf8(args[i], row));
                writer.WriteStringValue(ValueText(args[i + 1], row, number));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            builder.Append(buffer.WrittenSpan);
        }

        return builder.Build();
    }

    private static ReadOnlySpan<byte> Utf8(in Datum d, int row) =>
        d.IsScalar ? d.Scalar.Utf8 : ((StringColumn)d.Column!).GetSpan(row);

    /// <summary>The value as UTF-8 text; numbers are formatted into <paramref name="scratch"/>.</summary>
    private static ReadOnlySpan<byte> ValueText(in Datum d, int row, Span<byte> scratch)
    {
        if (d.Type == DataType.String)
        {
            return Utf8(d, row);
        }

        if (d.Type == DataType.Boolean)
        {
            return (d.IsScalar ? d.Scalar.Bool : ((BooleanColumn)d.Column!).Values[row]) ? "true"u8 : "false"u8;
        }

        var written = 0;
        var ok = d.Type switch
        {
            DataType.Int64 or DataType.Time64NS => (d.IsScalar ? d.Scalar.Int : ((Int64Column)d.Column!).Values[row]).TryFormat(scratch, out written, default, CultureInfo.InvariantCulture),
            DataType.Float64 => (d.IsScalar ? d.Scalar.Float : ((Float64Column)d.Column!).Values[row]).TryFormat(scratch, out written, default, CultureInfo.InvariantCulture),
            DataType.UInt128 => (d.IsScalar ? d.Scalar.UInt128 : ((UInt128Column)d.Column!).Values[row]).TryFormat(scratch, out written, default, CultureInfo.InvariantCulture),
            _ => false,
        };
        return ok ? scratch[..written] : [];
    }
}
