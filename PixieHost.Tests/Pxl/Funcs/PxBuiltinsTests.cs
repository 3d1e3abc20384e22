using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class PxBuiltinsTests
{
    private static readonly List<HttpRow> Rows = HttpEventsData.Rows(120);
    private static readonly QueryExecutor Executor = new(HttpEventsData.Store(Rows, 32), () => HttpEventsData.Now);

    [Test]
    public void ParseTime_AbsoluteAndRelative_AreTime64Constants()
    {
        var rows = PxlRun.Table(Executor, "import px\ndf = px.DataFrame('http_events', start_time=0)\ndf = df[df.time_ >= px.parse_time('2026-01-01T11:59:00Z')]\ndf = df[df.time_ <= px.parse_time('-10s')]\npx.display(df[['time_']])\n");
        rows.Should().HaveCount(Rows.Count(r => r.Time >= HttpEventsData.Now - 60_000_000_000L && r.Time <= HttpEventsData.Now - 10_000_000_000L));
        var plan = Executor.Explain(new QueryRequest("import px\ndf = px.DataFrame('http_events')\ndf = df[df.time_ >= px.parse_time('2026-01-01T11:59:00Z')]\npx.display(df)\n"));
        plan.Should().Contain("time=[2026-01-01T11:59:00.0000000Z, *]", "the constant bound moves into the source");
    }

    [Test]
    public void ParseTime_BadText_IsACompileError()
    {
        var act = () => Executor.Explain(new QueryRequest("import px\nx = px.parse_time('yesterday')\n"));
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 2 && e.Column == 19);
    }

    [Test]
    public void EqualsAny_IsAnOrOfEqualities()
    {
        var rows = PxlRun.Table(Executor, "import px\ndf = px.DataFrame('http_events', start_time=0)\ndf = df[px.equals_any(df.req_method, ['GET', 'PUT'])]\npx.display(df[['req_method']])\n");
        rows.Should().HaveCount(Rows.Count(r => r.Method is "GET" or "PUT"));
        var act = () => Executor.Explain(new QueryRequest("import px\ndf = px.DataFrame('http_events')\npx.display(df[px.equals_any(df.req_method, [1])])\n"));
        act.Should().Throw<PxlCompileException>().WithMessage("*cannot compare STRING with INT64*");
    }

    [Test]
    public void Int_OfConstantExpression_ConvertsAtCompileTime() =>
        PxlRun.Value("int(px.now() - px.seconds(1)) + int(px.DurationNanos(5))").Should().Be(HttpEventsData.Now - 1_000_000_000L + 5);

    [Test]
    public void GetTracepointStatus_IsEmptyButUsable()
    {
        PxlRun.Table(Executor, "import px\ndf = px.GetTracepointStatus()\npx.display(df[df.state == 'RUNNING'][['tracepoint_name', 'state']])\n").Should().BeEmpty();
    }

    [Test]
    public void FString_IsAPositionedError()
    {
        var act = () => Executor.Explain(new QueryRequest("import px\nx = f'{1}'\n"));
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 2 && e.Column >= 5);
    }
}
