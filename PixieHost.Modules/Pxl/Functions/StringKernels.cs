using System.Text;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>Kernels over UTF-8 string columns; values are compared and searched as bytes, never decoded.</summary>
public static class StringKernels
{
    public static Column Compare<TTest>(ReadOnlySpan<Datum> args, int n)
        where TTest : struct, ICompareTest
    {
        var a = args[0];
        var b = args[1];
        if (typeof(TTest) == typeof(CmpEq) || typeof(TTest) == typeof(CmpNe))
        {
            return Equal(a, b, n, negate: typeof(TTest) == typeof(CmpNe));
        }

        var r = new bool[n];
        if (!a.IsScalar && !b.IsScalar)
        {
            var x = (StringColumn)a.Column!;
            var y = (StringColumn)b.Column!;
            for (var i = 0; i < n; i++)
            {
                r[i] = TTest.Test(x.GetSpan(i).SequenceCompareTo(y.GetSpan(i)));
            }
        }
        else if (!a.IsScalar)
        {
            var x = (StringColumn)a.Column!;
            ReadOnlySpan<byte> s = b.Scalar.Utf8;
            for (var i = 0; i < n; i++)
            {
                r[i] = TTest.Test(x.GetSpan(i).SequenceCompareTo(s));
            }
        }
        else if (!b.IsScalar)
        {
            var y = (StringColumn)b.Column!;
            ReadOnlySpan<byte> s = a.Scalar.Utf8;
            for (var i = 0; i < n; i++)
            {
                r[i] = TTest.Test(s.SequenceCompareTo(y.GetSpan(i)));
            }
        }
        else
        {
            Array.Fill(r, TTest.Test(a.Scalar.Utf8.AsSpan().SequenceCompareTo(b.Scalar.Utf8)));
        }

        return new BooleanColumn(r, n);
    }

    /// <summary>Equality by length then bytes: cheaper than a three-way compare for the common == 'GET' filter.</summary>
    private static Column Equal(in Datum a, in Datum b, int n, bool negate)
    {
        var r = new bool[n];
        var x = (StringColumn)a.ToColumn(n);
        if (b.IsScalar && x.Dictionary is { } dict)
        {
            EqualCodes(dict.Codes.AsSpan(0, n), dict.IndexOf(b.Scalar.Utf8), negate, r);
        }
        else if (b.IsScalar)
        {
            ReadOnlySpan<byte> s = b.Scalar.Utf8;
            for (var i = 0; i < n; i++)
            {
                r[i] = x.GetSpan(i).SequenceEqual(s) != negate;
            }
        }
        else
        {
            var y = (StringColumn)b.Column!;
            for (var i = 0; i < n; i++)
            {
                r[i] = x.GetSpan(i).SequenceEqual(y.GetSpan(i)) != negate;
            }
        }

        return new BooleanColumn(r, n);
    }

    /// <summary>r[i] = (codes[i] == code) != negate; a code of -1 (value absent) matches no row.</summary>
    public static void EqualCodes(ReadOnlySpan<int> codes, int code, bool negate, Span<bool> r)
    {
        for (var i = 0; i < codes.Length; i++)
        {
            r[i] = (codes[i] == code) != negate;
        }
    }

    /// <summary>px.contains(haystack, needle).</summary>
    public static Column Contains(ReadOnlySpan<Datum> args, int n)
    {
        var r = new bool[n];
        var hay = (StringColumn)args[0].ToColumn(n);
        if (args[1].IsScalar)
        {
            ReadOnlySpan<byte> needle = args[1].Scalar.Utf8;
            for (var i = 0; i < n; i++)
            {
                r[i] = hay.GetSpan(i).IndexOf(needle) >= 0;
            }
        }
        else
        {
            var needles = (StringColumn)args[1].Column!;
            for (var i = 0; i < n; i++)
            {
                r[i] = hay.GetSpan(i).IndexOf(needles.GetSpan(i)) >= 0;
            }
        }

        return new BooleanColumn(r, n);
    }

    /// <summary>String concatenation (the + operator on strings).</summary>
    public static Column Concat(ReadOnlySpan<Datum> args, int n)
    {
        var a = args[0].ToColumn(n) as StringColumn;
        var b = args[1].ToColumn(n) as StringColumn;
        var builder = new StringColumnBuilder(n);
        for (var i = 0; i < n; i++)
        {
            var x = a!.GetSpan(i);
            var y = b!.GetSpan(i);
            var dst = builder.BeginAppend(x.Length + y.Length);
            x.CopyTo(dst);
            y.CopyTo(dst[x.Length..]);
            builder.CommitWritten(x.Length + y.Length);
        }

        return builder.Build();
    }

    /// <summary>px.length: the length in bytes, as Pixie's LengthUDF.</summary>
    public static Column Length(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[0].ToColumn(n);
        var r = new long[n];
        for (var i = 0; i < n; i++)
        {
            r[i] = s.Offsets[i + 1] - s.Offsets[i];
        }

        return new Int64Column(r, n);
    }

    public static Column ToLower(ReadOnlySpan<Datum> args, int n) => MapString(args[0].ToColumn(n), n, static s => s.ToLowerInvariant());

    public static Column ToUpper(ReadOnlySpan<Datum> args, int n) => MapString(args[0].ToColumn(n), n, static s => s.ToUpperInvariant());

    private static Column MapString(Column c, int n, Func<string, string> f)
    {
        var s = (StringColumn)c;
        var b = new StringColumnBuilder(n);
        for (var i = 0; i < n; i++)
        {
            b.Append(f(Encoding.UTF8.GetString(s.GetSpan(i))));
        }

        return b.Build();
    }
}
