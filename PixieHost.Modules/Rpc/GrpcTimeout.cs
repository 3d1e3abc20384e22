namespace PixieHost.Modules.Rpc;

/// <summary>The <c>grpc-timeout</c> header: at most 8 ASCII digits and a unit (H, M, S, m, u, n).</summary>
#if PIXIE_CLIENT_SDK
internal static class GrpcTimeout
#else
public static class GrpcTimeout
#endif
{
    private const long MaxValue = 99_999_999;

    /// <summary>Parses e.g. <c>300m</c> (grpc-js) or <c>1S</c>; false for a malformed value.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        long n = 0;
        foreach (var c in value[..^1])
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            n = (n * 10) + (c - '0');
        }

        long? ticks = value[^1] switch
        {
            'H' => n * TimeSpan.TicksPerHour,
            'M' => n * TimeSpan.TicksPerMinute,
            'S' => n * TimeSpan.TicksPerSecond,
            'm' => n * TimeSpan.TicksPerMillisecond,
            'u' => n * TimeSpan.TicksPerMicrosecond,
            'n' => n / 100,
            _ => null,
        };
        if (ticks is null)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks.Value);
        return true;
    }

    /// <summary>The shortest exact-or-rounded-up encoding that fits 8 digits.</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        var micros = (ticks + 9) / 10;
        if (micros <= MaxValue)
        {
            return micros % 1000 == 0 ? $"{micros / 1000}m" : $"{micros}u";
        }

        var millis = (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        if (millis <= MaxValue)
        {
            return $"{millis}m";
        }

        var seconds = (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return seconds <= MaxValue ? $"{seconds}S" : $"{Math.Min(MaxValue, (seconds + 3599) / 3600)}H";
    }
}
