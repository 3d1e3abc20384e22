using System.Globalization;
using System.Text.RegularExpressions;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>Parses start_time/end_time values: "-5m", "-30s", "-1h" relative to now, absolute times, or ns integers.</summary>
public static partial class TimeArgs
{
    public static bool TryParseDuration(string text, out long ns)
    {
        ns = 0;
        var m = DurationPattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value switch
        {
            "ns" => 1L,
            "us" or "µs" => 1_000L,
            "ms" => 1_000_000L,
            "s" => 1_000_000_000L,
            "m" => 60_000_000_000L,
            "h" => 3_600_000_000_000L,
            "d" => 86_400_000_000_000L,
            _ => 0L,
        };
        ns = (long)(value * unit);
        return unit != 0;
    }

    /// <summary>A time string: "-5m" (relative to <paramref name="nowNs"/>), "now", or an ISO-8601 time.</summary>
    public static bool TryParseTime(string text, long nowNs, out long ns)
    {
        var t = text.Trim();
        if (t == "now")
        {
            ns = nowNs;
            return true;
        }

        if (t.StartsWith('-') && TryParseDuration(t[1..], out var ago))
        {
            ns = nowNs - ago;
            return true;
        }

        if (t.StartsWith('+') && TryParseDuration(t[1..], out var ahead))
        {
            ns = nowNs + ahead;
            return true;
        }

        if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto))
        {
            ns = (dto.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            return true;
        }

        ns = 0;
        return false;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h|d)$")]
    private static partial Regex DurationPattern();
}
