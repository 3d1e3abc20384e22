using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class TimeFunctionsTests
{
    private static long Ns(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    [TestCase("2024-03-05T10:20:30Z", "%Y-%m-%dT%H:%M:%SZ", "2024-03-05T10:20:30+00:00")]
    [TestCase("2024-03-05 10:20:30.123456789", "%Y-%m-%d %H:%M:%E*S", "2024-03-05T10:20:30.1234567+00:00")]
    [TestCase("2024-03-05T10:20:30+02:00", "%Y-%m-%dT%H:%M:%S%Ez", "2024-03-05T08:20:30+00:00")]
    [TestCase("05/Mar/2024:10:20:30 -0500", "%d/%b/%Y:%H:%M:%S %z", "2024-03-05T15:20:30+00:00")]
    [TestCase("Tue, 05 March 2024 01:02:03 PM GMT", "%a, %d %B %Y %I:%M:%S %p %Z", "2024-03-05T13:02:03+00:00")]
    [TestCase("2024-03-05", "%F", "2024-03-05T00:00:00+00:00")]
    [TestCase("1700000000", "%s", "2023-11-14T22:13:20+00:00")]
    [TestCase("2024-060", "%Y-%j", "2024-02-29T00:00:00+00:00")]
    public void Strptime_PixieFormats_ParsesToUtcNs(string input, string format, string expected)
    {
        Strptime.TryParse(Encoding.UTF8.GetBytes(input), Encoding.UTF8.GetBytes(format), out var ns).Should().BeTrue();
        var exp = Ns(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        if (input.Contains(".123456789", StringComparison.Ordinal))
        {
            exp += 89;
        }

        ns.Should().Be(exp);
    }

    [TestCase("2024-13-05", "%Y-%m-%d")]
    [TestCase("2024-02-30", "%Y-%m-%d")]
    [TestCase("2024-03-05 junk", "%Y-%m-%d")]
    [TestCase("x", "%Y")]
    [TestCase("2024", "%Q")]
    [TestCase("9999-999", "%Y-%j")]
    public void Strptime_Mismatch_Fails(string input, string format) =>
        Strptime.TryParse(Encoding.UTF8.GetBytes(input), Encoding.UTF8.GetBytes(format), out _).Should().BeFalse();

    [Test]
    public void Strptime_InPxl_ReturnsTime64WithZeroForBadRows()
    {
        PxlRun.Value("px.strptime('2026-01-01T12:00:00Z', '%Y-%m-%dT%H:%M:%SZ')").Should().Be(Support.HttpEventsData.Now);
        PxlRun.Value("px.strptime('nope', '%Y')").Should().Be(0L);
        var result = PxlRun.Executor(1).Execute(new QueryRequest("import px\ndf = px.DataFrame('http_events').head(1)\ndf.t = px.strptime(df.req_path, '%Y')\npx.display(df[['t']])\n"));
        result.Tables[0].Relation[0].Type.Should().Be(DataType.Time64NS);
    }

    [TestCase(0L, "0")]
    [TestCase(1L, "1ns")]
    [TestCase(1_500L, "1.5us")]
    [TestCase(25_000_000L, "25ms")]
    [TestCase(1_234_567L, "1.234567ms")]
    [TestCase(1_500_000_000L, "1.5s")]
    [TestCase(90_000_000_000L, "1m30s")]
    [TestCase(3_600_500_000_000L, "1h0.5s")]
    [TestCase(7_200_000_000_000L, "2h")]
    [TestCase(-25_000_000L, "-25ms")]
    [TestCase(long.MinValue, "-2562047h47m16.854775808s")]
    public void FormatDuration_AbslStyle(long ns, string expected)
    {
        Span<byte> buf = stackalloc byte[DurationText.MaxFormattedBytes];
        Encoding.UTF8.GetString(buf[..DurationText.Format(ns, buf)]).Should().Be(expected);
    }

    [Test]
    public void FormatDuration_OverColumn_FormatsEveryRow()
    {
        var rows = PxlRun.Table(PxlRun.Executor(30), "import px\ndf = px.DataFrame('http_events')\ndf.d = px.format_duration(df.latency)\npx.display(df[['latency', 'd']])\n");
        rows.Should().HaveCount(30);
        foreach (var r in rows)
        {
            DurationText.TryParse((string)r["d"]!, out var back).Should().BeTrue();
            back.Should().BeCloseTo((long)r["latency"]!, 1);
        }
    }

    [TestCase("5m", 300_000_000_000L)]
    [TestCase("-5m", -300_000_000_000L)]
    [TestCase("1h30m", 5_400_000_000_000L)]
    [TestCase("1.5s", 1_500_000_000L)]
    [TestCase("250ms", 250_000_000L)]
    [TestCase("2d", 172_800_000_000_000L)]
    [TestCase("0", 0L)]
    public void ParseDuration_GoSyntax(string text, long expected)
    {
        DurationText.TryParse(text, out var ns).Should().BeTrue();
        ns.Should().Be(expected);
    }

    [TestCase("")]
    [TestCase("5")]
    [TestCase("m")]
    [TestCase("5x")]
    [TestCase("--5m")]
    public void ParseDuration_Invalid_Fails(string text) => DurationText.TryParse(text, out _).Should().BeFalse();

    [Test]
    public void ParseDuration_ConstantAndColumn_BothWork()
    {
        PxlRun.Value("px.parse_duration('-1h30m')").Should().Be(-5_400_000_000_000L);
        var rows = PxlRun.Table(PxlRun.Executor(3), "import px\ndf = px.DataFrame('http_events')\ndf.s = px.itoa(df.resp_status) + 'ms'\ndf.d = px.parse_duration(df.s)\npx.display(df[['resp_status', 'd']])\n");
        rows.Should().OnlyContain(r => (long)r["d"]! == (long)r["resp_status"]! * 1_000_000);
    }

    [Test]
    public void TimeToInt64_AndBack_ChangeOnlyTheType()
    {
        var result = PxlRun.Executor(2).Execute(new QueryRequest("import px\ndf = px.DataFrame('http_events')\ndf.i = px.time_to_int64(df.time_)\ndf.t = px.int64_to_time(df.i + 1)\npx.display(df[['time_', 'i', 't']])\n"));
        var t = result.Tables.Single();
        t.Relation.Columns.Select(c => c.Type).Should().Equal(DataType.Time64NS, DataType.Int64, DataType.Time64NS);
        foreach (var r in Support.ResultRows.Of(t))
        {
            r["i"].Should().Be(r["time_"]);
            r["t"].Should().Be((long)r["time_"]! + 1);
        }
    }
}
