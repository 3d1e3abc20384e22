using System.Text;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// Durations as text, without allocating: parsing "-5m", "1h30m", "1.5s", "250ms" (Go / absl syntax, plus "d"),
/// and formatting as absl::FormatDuration does ("1h2m3.5s", "25ms", "0").
/// </summary>
public static class DurationText
{
    private const long Us = 1_000, Ms = 1_000_000, S = 1_000_000_000, Min = 60 * S, Hour = 60 * Min, Day = 24 * Hour;

    /// <summary>The longest text <see cref="Format"/> writes.</summary>
    public const int MaxFormattedBytes = 32;

    public static bool TryParse(string text, out long ns)
    {
        Span<byte> utf8 = stackalloc byte[256];
        if (Encoding.UTF8.GetMaxByteCount(text.Length) > utf8.Length)
        {
            ns = 0;
            return false;
        }

        var n = Encoding.UTF8.GetBytes(text, utf8);
        return TryParse(utf8[..n], out ns);
    }

    /// <summary>A signed sequence of number+unit terms; fractions allowed ("1.5h"). False on anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long ns)
    {
        ns = 0;
        text = text.Trim(" \t"u8);
        var negative = false;
        if (text.Length > 0 && (text[0] == '-' || text[0] == '+'))
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text.SequenceEqual("0"u8))
        {
            return true;
        }

        if (text.IsEmpty)
        {
            return false;
        }

        double total = 0;
        while (!text.IsEmpty)
        {
            var i = 0;
            long whole = 0;
            double frac = 0, scale = 1;
            var digits = 0;
            for (; i < text.Length && IsDigit(text[i]); i++, digits++)
            {
                if (whole > (long.MaxValue - 9) / 10)
                {
                    return false;
                }

                whole = (whole * 10) + (text[i] - '0');
            }

            if (i < text.Length && text[i] == '.')
            {
                for (i++; i < text.Length && IsDigit(text[i]); i++, digits++)
                {
                    scale /= 10;
                    frac += (text[i] - '0') * scale;
                }
            }

            if (digits == 0)
            {
                return false;
            }

            var start = i;
            while (i < text.Length && !IsDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            var unit = Unit(text[start..i]);
            if (unit == 0)
            {
                return false;
            }

            total += (whole + frac) * unit;
            text = text[i..];
        }

        if (total > long.MaxValue)
        {
            return false;
        }

        ns = negative ? -(long)total : (long)total;
        return true;
    }

    /// <summary>Writes <paramref name="ns"/> as absl::FormatDuration: h/m/s with a trimmed fraction, or one sub-second unit.</summary>
    public static int Format(long ns, Span<byte> dst)
    {
        var n = 0;
        if (ns < 0)
        {
            dst[n++] = (byte)'-';
        }

        var d = ns == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(ns);
        if (d == 0)
        {
            dst[0] = (byte)'0';
            return 1;
        }

        if (d < S)
        {
            var unit = d < Us ? 1UL : d < Ms ? Us : (ulong)Ms;
            n += Fraction(d, unit, dst[n..]);
            dst[n++] = unit == 1 ? (byte)'n' : unit == Us ? (byte)'u' : (byte)'m';
            dst[n++] = (byte)'s';
            return n;
        }

        var hours = d / Hour;
        d %= Hour;
        var minutes = d / Min;
        d %= Min;
        if (hours > 0)
        {
            n += Integer(hours, dst[n..]);
            dst[n++] = (byte)'h';
        }

        if (minutes > 0)
        {
            n += Integer(minutes, dst[n..]);
            dst[n++] = (byte)'m';
        }

        if (d > 0)
        {
            n += Fraction(d, S, dst[n..]);
            dst[n++] = (byte)'s';
        }

        return n;
    }

    private static int Fraction(ulong value, ulong unit, Span<byte> dst)
    {
        var n = Integer(value / unit, dst);
        var rest = value % unit;
        if (rest == 0)
        {
            return n;
        }

        dst[n++] = (byte)'.';
        for (var scale = unit / 10; scale > 0 && rest > 0; scale /= 10)
        {
            dst[n++] = (byte)('0' + (rest / scale));
            rest %= scale;
        }

        return n;
    }

    private static int Integer(ulong v, Span<byte> dst)
    {
        v.TryFormat(dst, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        return written;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static long Unit(ReadOnlySpan<byte> u) => u switch
    {
        _ when u.SequenceEqual("ns"u8) => 1,
        _ when u.SequenceEqual("us"u8) || u.SequenceEqual("µs"u8) || u.SequenceEqual("μs"u8) => Us,
        _ when u.SequenceEqual("ms"u8) => Ms,
        _ when u.SequenceEqual("s"u8) => S,
        _ when u.SequenceEqual("m"u8) => Min,
        _ when u.SequenceEqual("h"u8) => Hour,
        _ when u.SequenceEqual("d"u8) => Day,
        _ => 0,
    };
}
