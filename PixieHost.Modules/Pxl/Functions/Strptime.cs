namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// Parses a time with a strftime-style format as absl::ParseTime (behind Pixie's px.strptime) does, over UTF-8
/// bytes without allocating: %Y %m %d %e %H %M %S %E*S %f %z %Ez %Z %y %b %B %h %a %A %p %I %j %s %T %D %F %R %%;
/// whitespace in the format matches any run of whitespace. Times without a zone are UTC.
/// </summary>
public static partial class Strptime
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] MonthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    private static readonly string[] Days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly string[] Zones = ["UTC", "GMT", "Z"];
    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private ref struct Fields
    {
        public long Year;
        public int Month;
        public int Day;
        public int YearDay;
        public int Hour;
        public int Minute;
        public int Second;
        public long FractionNs;
        public long OffsetSeconds;
        public int Pm;
        public bool Hour12;
        public long? Epoch;
    }

    /// <summary>The time in ns since the Unix epoch; false when <paramref name="input"/> does not match <paramref name="format"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> input, ReadOnlySpan<byte> format, out long ns)
    {
        ns = 0;
        var f = new Fields { Year = 1970, Month = 1, Day = 1, Pm = -1 };
        if (!Match(ref input, format, ref f, 0))
        {
            return false;
        }

        input = input.TrimStart(" \t\n\r"u8);
        if (!input.IsEmpty)
        {
            return false;
        }

        if (f.Epoch is { } epoch)
        {
            ns = (epoch * 1_000_000_000) - (f.OffsetSeconds * 1_000_000_000);
            return true;
        }

        var hour = f.Hour;
        if (f.Hour12)
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }

            hour = (hour % 12) + (f.Pm == 1 ? 12 : 0);
        }
        else if (f.Pm == 1 && hour < 12)
        {
            hour += 12;
        }

        if (f.Month is < 1 or > 12 || f.Day < 1 || f.Day > DateTime.DaysInMonth((int)Math.Clamp(f.Year, 1, 9999), f.Month) ||
            hour > 23 || f.Minute > 59 || f.Second > 60 || f.Year is < 1 or > 9999 || f.YearDay > (DateTime.IsLeapYear((int)f.Year) ? 366 : 365))
        {
            return false;
        }

        var date = f.YearDay > 0 ? new DateTime((int)f.Year, 1, 1).AddDays(f.YearDay - 1) : new DateTime((int)f.Year, f.Month, f.Day);
        var seconds = ((date.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond) + (hour * 3600L) + (f.Minute * 60L) + f.Second - f.OffsetSeconds;
        ns = (seconds * 1_000_000_000) + f.FractionNs;
        return true;
    }

    private static bool Match(ref ReadOnlySpan<byte> s, ReadOnlySpan<byte> format, ref Fields f, int depth)
    {
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (IsSpace(c))
            {
                s = s.TrimStart(" \t\n\r"u8);
                continue;
            }

            if (c != '%' || i + 1 == format.Length)
            {
                if (s.IsEmpty || s[0] != c)
                {
                    return false;
                }

                s = s[1..];
                continue;
            }

            var d = format[++i];
            if (d == 'E' && i + 1 < format.Length)
            {
                // %Ez (+hh:mm), %E*S / %E3S … (seconds with a fraction), %E4Y (4-digit year).
                var rest = format[(i + 1)..];
                if (rest[0] == 'z')
                {
                    i++;
                    d = (byte)'z';
                }
                else if (rest.Length >= 2 && (rest[0] == '*' || IsDigit(rest[0])) && rest[1] == 'S')
                {
                    i += 2;
                    if (!Number(ref s, 2, out var sec))
                    {
                        return false;
                    }

                    f.Second = (int)sec;
                    if (!s.IsEmpty && s[0] == '.')
                    {
                        s = s[1..];
                        if (!Fraction(ref s, out f.FractionNs))
                        {
                            return false;
                        }
                    }

                    continue;
                }
                else if (rest.Length >= 2 && IsDigit(rest[0]) && rest[1] == 'Y')
                {
                    i += 2;
                    d = (byte)'Y';
                }
            }

            if (!Directive(ref s, d, ref f, depth))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Directive(ref ReadOnlySpan<byte> s, byte d, ref Fields f, int depth)
    {
        long v;
        switch (d)
        {
            case (byte)'Y':
                var negative = !s.IsEmpty && s[0] == '-';
                s = negative ? s[1..] : s;
                if (!Number(ref s, 4, out v))
                {
                    return false;
                }

                f.Year = negative ? -v : v;
                return true;
            case (byte)'y':
                if (!Number(ref s, 2, out v))
                {
                    return false;
                }

                f.Year = v < 69 ? 2000 + v : 1900 + v;
                return true;
            case (byte)'m':
                return Set(ref s, 2, out f.Month);
            case (byte)'d' or (byte)'e':
                s = s.TrimStart((byte)' ');
                return Set(ref s, 2, out f.Day);
            case (byte)'H':
                return Set(ref s, 2, out f.Hour);
            case (byte)'I':
                f.Hour12 = true;
                return Set(ref s, 2, out f.Hour);
            case (byte)'M':
                return Set(ref s, 2, out f.Minute);
            case (byte)'S':
                return Set(ref s, 2, out f.Second);
            case (byte)'j':
                return Set(ref s, 3, out f.YearDay);
            case (byte)'f':
                return Fraction(ref s, out f.FractionNs);
            case (byte)'s':
                var neg = !s.IsEmpty && s[0] == '-';
                s = neg ? s[1..] : s;
                if (!Number(ref s, 19, out v))
                {
                    return false;
                }

                f.Epoch = neg ? -v : v;
                return true;
            case (byte)'z':
                return Offset(ref s, ref f);
            case (byte)'Z':
                return Zone(ref s, ref f);
            case (byte)'p':
                if (StartsWithIgnoreCase(s, "am"))
                {
                    f.Pm = 0;
                }
                else if (StartsWithIgnoreCase(s, "pm"))
                {
                    f.Pm = 1;
                }
                else
                {
                    return false;
                }

                s = s[2..];
                return true;
            case (byte)'b' or (byte)'B' or (byte)'h':
                var month = Name(ref s, MonthNames) is var full and >= 0 ? full : Name(ref s, Months);
                f.Month = month + 1;
                return month >= 0;
            case (byte)'a' or (byte)'A':
                return (Name(ref s, DayNames) >= 0) || (Name(ref s, Days) >= 0);
            case (byte)'T':
                return depth < 2 && Match(ref s, "%H:%M:%S"u8, ref f, depth + 1);
            case (byte)'R':
                return depth < 2 && Match(ref s, "%H:%M"u8, ref f, depth + 1);
            case (byte)'D':
                return depth < 2 && Match(ref s, "%m/%d/%y"u8, ref f, depth + 1);
            case (byte)'F':
                return depth < 2 && Match(ref s, "%Y-%m-%d"u8, ref f, depth + 1);
            case (byte)'n' or (byte)'t':
                s = s.TrimStart(" \t\n\r"u8);
                return true;
            case (byte)'%':
                if (s.IsEmpty || s[0] != '%')
                {
                    return false;
                }

                s = s[1..];
                return true;
            default:
                return false;
        }
    }
}
