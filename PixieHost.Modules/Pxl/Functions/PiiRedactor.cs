using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// px.redact_pii_best_effort(s): replaces what looks like personal data with a tag, as Pixie's RedactPIIUDF:
/// e-mail addresses (&lt;REDACTED_EMAIL&gt;), MAC addresses (&lt;REDACTED_MAC_ADDR&gt;), IPv6 and IPv4 addresses
/// (&lt;REDACTED_IPV6&gt;, &lt;REDACTED_IPV4&gt;), US social security numbers (&lt;REDACTED_SSN&gt;), card numbers
/// that pass the Luhn check (&lt;REDACTED_CC_NUMBER&gt;), 15-digit IMEIs (&lt;REDACTED_IMEI&gt;) and phone numbers
/// (&lt;REDACTED_PHONE&gt;). Matching runs over a reused char buffer with allocation-free regex enumeration.
/// </summary>
public static partial class PiiRedactor
{
    public static void Register(FunctionRegistry r) =>
        r.Register(new ScalarFunction("redact_pii_best_effort").Add([DataType.String], DataType.String, Redact));

    public static Column Redact(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[0].ToColumn(n);
        var b = new StringColumnBuilder(n, s.Data.Length + 16);
        var chars = ArrayPool<char>.Shared.Rent(256);
        try
        {
            for (var i = 0; i < n; i++)
            {
                var utf8 = s.GetSpan(i);
                if (chars.Length < utf8.Length)
                {
                    ArrayPool<char>.Shared.Return(chars);
                    chars = ArrayPool<char>.Shared.Rent(utf8.Length * 2);
                }

                var text = chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, chars));
                Append(b, text);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        return b.Build();
    }

    /// <summary>Redacts one string (tests and constant folding).</summary>
    public static string Redact(string text)
    {
        var b = new StringColumnBuilder(1);
        Append(b, text);
        return b.Build().GetString(0);
    }

    private static void Append(StringColumnBuilder b, ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length) + 32;
        var dst = b.BeginAppend(max);
        var written = 0;
        var last = 0;
        foreach (var m in Pattern().EnumerateMatches(text))
        {
            var tag = Classify(text.Slice(m.Index, m.Length));
            if (tag.IsEmpty)
            {
                continue;
            }

            if (written + Encoding.UTF8.GetMaxByteCount(m.Index - last) + tag.Length > max)
            {
                break;
            }

            written += Encoding.UTF8.GetBytes(text[last..m.Index], dst[written..]);
            tag.CopyTo(dst[written..]);
            written += tag.Length;
            last = m.Index + m.Length;
        }

        written += Encoding.UTF8.GetBytes(text[last..], dst[written..]);
        b.CommitWritten(written);
    }

    private static ReadOnlySpan<byte> Classify(ReadOnlySpan<char> m)
    {
        if (m.Contains('@'))
        {
            return "<REDACTED_EMAIL>"u8;
        }

        if (m.Contains(':'))
        {
            return m.Length == 17 && m.Count(':') == 5 && !m.Contains("::", StringComparison.Ordinal) ? "<REDACTED_MAC_ADDR>"u8 : "<REDACTED_IPV6>"u8;
        }

        if (m.Count('.') == 3 && !m.Contains('-'))
        {
            return ValidIpv4(m) ? "<REDACTED_IPV4>"u8 : default;
        }

        var digits = 0;
        foreach (var c in m)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
        }

        if (m.Length == 11 && m[3] == '-' && m[6] == '-' && digits == 9)
        {
            return "<REDACTED_SSN>"u8;
        }

        if (digits is >= 13 and <= 19 && Luhn(m))
        {
            return digits == 15 && m.Length == 15 && !m.StartsWith("3") ? "<REDACTED_IMEI>"u8 : "<REDACTED_CC_NUMBER>"u8;
        }

        return digits is 10 or 11 && (m.Contains('-') || m.Contains('(') || m.Contains(' ') || m.StartsWith("+")) ? "<REDACTED_PHONE>"u8 : default;
    }

    private static bool ValidIpv4(ReadOnlySpan<char> m)
    {
        foreach (var range in m.Split('.'))
        {
            if (!int.TryParse(m[range], out var octet) || octet > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Luhn(ReadOnlySpan<char> m)
    {
        var sum = 0;
        var alt = false;
        for (var i = m.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(m[i]))
            {
                continue;
            }

            var d = m[i] - '0';
            if (alt)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
            alt = !alt;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(
        @"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}" +
        @"|(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{2}[:\-]){5}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:])" +
        @"|(?<![0-9A-Fa-f:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|::(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![0-9A-Fa-f:])" +
        @"|(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])" +
        @"|(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)" +
        @"|(?<![\d\-])(?:\d[ \-]?){12,18}\d(?![\d\-])" +
        @"|(?<![\d\w])\+?(?:\d[ \-]?)?\(?\d{3}\)?[ \-]?\d{3}[ \-]?\d{4}(?!\d)",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
