using System.Globalization;
using PixieHost.Modules.TableStore;

namespace PixieHost.Cli;

/// <summary>
/// How the CLI writes single values, the same in every output format:
/// TIME64NS as RFC 3339 UTC with up to nine fraction digits and trailing zeros trimmed (Go's RFC3339Nano, which
/// Pixie's CLI prints); UINT128 (UPIDs) as the 8-4-4-4-12 hex form Pixie's CLI and UI show, high 64 bits first, so
/// asid = first 8 digits, pid = next 8, start time = last 16; floats in shortest round-trip form.
/// </summary>
public static class ValueFormatter
{
    public static string Format(Column column, int row) => column switch
    {
        Int64Column c when c.Type == DataType.Time64NS => FormatTime(c.Values[row]),
        Int64Column c => c.Values[row].ToString(CultureInfo.InvariantCulture),
        Float64Column c => FormatDouble(c.Values[row]),
        BooleanColumn c => c.Values[row] ? "true" : "false",
        UInt128Column c => FormatUInt128(c.Values[row]),
        StringColumn c => c.GetString(row),
        _ => column.GetValue(row)?.ToString() ?? string.Empty,
    };

    /// <summary>Nanoseconds since the Unix epoch as e.g. <c>2024-01-02T03:04:05.123456789Z</c>.</summary>
    public static string FormatTime(long unixNanos)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000L, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000L;
        }

        var text = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return nanos == 0 ? text + "Z" : $"{text}.{nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0')}Z";
    }

    /// <summary>A 128-bit value as <c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>.</summary>
    public static string FormatUInt128(UInt128 value)
    {
        var hex = value.ToString("x32", CultureInfo.InvariantCulture);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>
    /// The label of a <c>px.script_reference</c> value ({"label", "script", "args"}), what a terminal table shows
    /// (the link itself is for the UI; json and csv output keep the whole value); the text itself if it is not one.
    /// </summary>
    public static string ScriptReferenceLabel(string value)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(value);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("label", out var label) && label.ValueKind == System.Text.Json.JsonValueKind.String
                ? label.GetString()!
                : value;
        }
        catch (System.Text.Json.JsonException)
        {
            return value;
        }
    }

    public static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static bool IsNumeric(DataType type) => type is DataType.Int64 or DataType.Float64;
}
