using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>px.strptime, px.format_duration, px.parse_duration (over columns), px.time_to_int64, px.int64_to_time.</summary>
public static class TimeFunctions
{
    public static void Register(FunctionRegistry r)
    {
        r.Register(new ScalarFunction("strptime").Add([DataType.String, DataType.String], DataType.Time64NS, StrptimeKernel, SemanticRule.Fixed, SemanticType.TimeNs));
        r.Register(new ScalarFunction("format_duration").Add([DataType.Int64], DataType.String, FormatDuration));
        r.Register(new ScalarFunction("parse_duration").Add([DataType.String], DataType.Int64, ParseDuration, SemanticRule.Fixed, SemanticType.DurationNs));
        r.Register(new ScalarFunction("time_to_int64").Add([DataType.Time64NS], DataType.Int64, (a, n) => Retype(a[0], n, DataType.Int64)));
        r.Register(new ScalarFunction("int64_to_time").Add([DataType.Int64], DataType.Time64NS, (a, n) => Retype(a[0], n, DataType.Time64NS), SemanticRule.Fixed, SemanticType.TimeNs));
    }

    /// <summary>px.strptime(s, format): ns since the epoch, or 0 when s does not match (as Pixie's StrptimeUDF).</summary>
    public static Column StrptimeKernel(ReadOnlySpan<Datum> args, int n)
    {
        var r = new long[n];
        var s = (StringColumn)args[0].ToColumn(n);
        var formats = args[1].IsScalar ? null : (StringColumn)args[1].Column!;
        ReadOnlySpan<byte> constant = args[1].IsScalar ? args[1].Scalar.Utf8 : default;
        for (var i = 0; i < n; i++)
        {
            r[i] = Strptime.TryParse(s.GetSpan(i), formats is null ? constant : formats.GetSpan(i), out var ns) ? ns : 0;
        }

        return new Int64Column(r, n, DataType.Time64NS);
    }

    public static Column FormatDuration(ReadOnlySpan<Datum> args, int n)
    {
        var b = new StringColumnBuilder(n, n * 8);
        if (args[0].IsScalar)
        {
            Span<byte> text = stackalloc byte[DurationText.MaxFormattedBytes];
            var len = DurationText.Format(args[0].Scalar.Int, text);
            for (var i = 0; i < n; i++)
            {
                b.Append(text[..len]);
            }

            return b.Build();
        }

        var v = ((Int64Column)args[0].Column!).Values;
        for (var i = 0; i < n; i++)
        {
            b.CommitWritten(DurationText.Format(v[i], b.BeginAppend(DurationText.MaxFormattedBytes)));
        }

        return b.Build();
    }

    /// <summary>px.parse_duration(s) over a column: signed ns ("-5m" is negative), 0 when s is not a duration.</summary>
    public static Column ParseDuration(ReadOnlySpan<Datum> args, int n)
    {
        var r = new long[n];
        if (args[0].IsScalar)
        {
            Array.Fill(r, DurationText.TryParse(args[0].Scalar.Utf8, out var c) ? c : 0);
            return new Int64Column(r, n);
        }

        var s = (StringColumn)args[0].Column!;
        for (var i = 0; i < n; i++)
        {
            r[i] = DurationText.TryParse(s.GetSpan(i), out var ns) ? ns : 0;
        }

        return new Int64Column(r, n);
    }

    /// <summary>The same values under another type (TIME64NS and INT64 share their storage).</summary>
    private static Column Retype(in Datum a, int n, DataType type)
    {
        if (a.IsScalar)
        {
            var r = new long[n];
            Array.Fill(r, a.Scalar.Int);
            return new Int64Column(r, n, type);
        }

        var c = (Int64Column)a.Column!;
        return new Int64Column(c.Values, n, type);
    }
}
