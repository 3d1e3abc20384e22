using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>px.substring, px.find, px.atoi, px.itoa, px.regex_match, px.trim: the string UDFs the bundled scripts use.</summary>
public static class StringFunctions
{
    /// <summary>px.substring(s, pos, length): bytes [pos, pos+length) clamped to the string, as Pixie's SubstringUDF.</summary>
    public static Column Substring(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[0].ToColumn(n);
        var pos = (Int64Column)args[1].ToColumn(n);
        var len = (Int64Column)args[2].ToColumn(n);
        var b = new StringColumnBuilder(n);
        for (var i = 0; i < n; i++)
        {
            var span = s.GetSpan(i);
            var start = (int)Math.Clamp(pos.Values[i], 0, span.Length);
            var count = (int)Math.Clamp(len.Values[i], 0, span.Length - start);
            b.Append(span.Slice(start, count));
        }

        return b.Build();
    }

    /// <summary>px.find(s, sub): the byte offset of the first occurrence, or -1.</summary>
    public static Column Find(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[0].ToColumn(n);
        var sub = (StringColumn)args[1].ToColumn(n);
        var r = new long[n];
        for (var i = 0; i < n; i++)
        {
            r[i] = s.GetSpan(i).IndexOf(sub.GetSpan(i));
        }

        return new Int64Column(r, n);
    }

    /// <summary>px.atoi(s, default): the integer in s, or default when s is not one.</summary>
    public static Column Atoi(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[0].ToColumn(n);
        var fallback = (Int64Column)args[1].ToColumn(n);
        var r = new long[n];
        for (var i = 0; i < n; i++)
        {
            r[i] = long.TryParse(s.GetSpan(i), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback.Values[i];
        }

        return new Int64Column(r, n);
    }

    /// <summary>px.itoa(i): the decimal text of an integer.</summary>
    public static Column Itoa(ReadOnlySpan<Datum> args, int n)
    {
        var v = (Int64Column)args[0].ToColumn(n);
        var b = new StringColumnBuilder(n);
        for (var i = 0; i < n; i++)
        {
            var dst = b.BeginAppend(20);
            v.Values[i].TryFormat(dst, out var written, default, CultureInfo.InvariantCulture);
            b.CommitWritten(written);
        }

        return b.Build();
    }

    /// <summary>px.regex_match(pattern, s): whether the whole of s matches the pattern (compiled once per batch when constant).</summary>
    public static Column RegexMatch(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[1].ToColumn(n);
        var r = new bool[n];
        Regex? constant = args[0].IsScalar ? Compile(args[0].Scalar.String!) : null;
        var patterns = args[0].IsScalar ? null : (StringColumn)args[0].Column!;
        for (var i = 0; i < n; i++)
        {
            var regex = patterns is null ? constant : Compile(patterns.GetString(i));
            r[i] = regex is not null && regex.IsMatch(Encoding.UTF8.GetString(s.GetSpan(i)));
        }

        return new BooleanColumn(r, n);
    }

    /// <summary>px.trim(s): without leading and trailing ASCII whitespace.</summary>
    public static Column Trim(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[0].ToColumn(n);
        var b = new StringColumnBuilder(n);
        for (var i = 0; i < n; i++)
        {
            b.Append(s.GetSpan(i).Trim(" \t\r\n"u8));
        }

        return b.Build();
    }

    private static Regex? Compile(string pattern)
    {
        try
        {
            return new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            // An invalid pattern matches nothing, as Pixie's RegexMatchUDF does.
            return null;
        }
    }
}
