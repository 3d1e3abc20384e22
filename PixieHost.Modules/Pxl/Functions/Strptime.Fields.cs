namespace PixieHost.Modules.Pxl.Functions;

/// <summary>The field readers of <see cref="Strptime"/>: numbers, fractions, zones and names.</summary>
public static partial class Strptime
{
    private static bool Set(ref ReadOnlySpan<byte> s, int maxDigits, out int value)
    {
        var ok = Number(ref s, maxDigits, out var v);
        value = (int)v;
        return ok;
    }

    private static bool Number(ref ReadOnlySpan<byte> s, int maxDigits, out long value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && i < maxDigits && IsDigit(s[i]); i++)
        {
            value = (value * 10) + (s[i] - '0');
        }

        s = s[i..];
        return i > 0;
    }

    private static bool Fraction(ref ReadOnlySpan<byte> s, out long ns)
    {
        ns = 0;
        var i = 0;
        long scale = 100_000_000;
        for (; i < s.Length && IsDigit(s[i]); i++, scale /= 10)
        {
            ns += (s[i] - '0') * scale;
        }

        s = s[i..];
        return i > 0;
    }

    private static bool Offset(ref ReadOnlySpan<byte> s, ref Fields f)
    {
        if (!s.IsEmpty && (s[0] == 'Z' || s[0] == 'z'))
        {
            s = s[1..];
            return true;
        }

        if (s.IsEmpty || (s[0] != '+' && s[0] != '-'))
        {
            return false;
        }

        var sign = s[0] == '-' ? -1 : 1;
        s = s[1..];
        if (!Number(ref s, 2, out var hh))
        {
            return false;
        }

        long mm = 0;
        if (!s.IsEmpty && s[0] == ':')
        {
            s = s[1..];
        }

        if (!s.IsEmpty && IsDigit(s[0]) && !Number(ref s, 2, out mm))
        {
            return false;
        }

        f.OffsetSeconds = sign * ((hh * 3600) + (mm * 60));
        return true;
    }

    private static bool Zone(ref ReadOnlySpan<byte> s, ref Fields f)
    {
        foreach (var z in Zones)
        {
            if (StartsWithIgnoreCase(s, z))
            {
                s = s[z.Length..];
                f.OffsetSeconds = 0;
                return true;
            }
        }

        return Offset(ref s, ref f);
    }

    private static int Name(ref ReadOnlySpan<byte> s, string[] names)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (StartsWithIgnoreCase(s, names[i]))
            {
                s = s[names[i].Length..];
                return i;
            }
        }

        return -1;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> s, string ascii)
    {
        if (s.Length < ascii.Length)
        {
            return false;
        }

        for (var i = 0; i < ascii.Length; i++)
        {
            if ((s[i] | 0x20) != (ascii[i] | 0x20))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
}
