using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>Semantic errors: each names the line and column of the offending token and suggests the likely name.</summary>
[TestFixture]
public class ScriptCompilerTests
{
    private static PxlCompileException Error(string script)
    {
        var executor = new QueryExecutor(new TableStore(), () => HttpEventsData.Now);
        return Assert.Throws<PxlCompileException>(() => executor.Explain(new QueryRequest(script)))!;
    }

    [Test]
    public void Compile_UnknownTable_SuggestsClosestTable()
    {
        var e = Error("import px\ndf = px.DataFrame(table='http_event')\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((2, 25));
        e.Message.Should().Be("table 'http_event' not found; did you mean 'http_events'?");
    }

    [Test]
    public void Compile_UnknownColumn_PointsAtAttributeAndSuggests()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events')\ndf = df[df.resp_stats >= 200]\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((3, 12));
        e.Message.Should().Be("unknown column 'resp_stats' in http_events; did you mean 'resp_status'?");
        e.Render().Should().EndWith("df = df[df.resp_stats >= 200]\n             ^");
    }

    [Test]
    public void Compile_UnknownColumnInGroupBy_PointsAtListItem()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events')\ndf = df.groupby(['req_method', 'reqpath']).agg(n=('latency', px.count))\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((3, 32));
        e.Message.Should().Contain("did you mean 'req_path'?");
    }

    [Test]
    public void Compile_MeanOfString_ReportsWrongAggregate()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events')\ndf = df.agg(m=('req_path', px.mean))\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((3, 13));
        e.Message.Should().Be("px.mean does not take STRING column 'req_path'; it takes INT64, FLOAT64 or BOOLEAN");
    }

    [Test]
    public void Compile_CompareStringWithInt_ReportsTypeMismatch()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events')\ndf = df[df.req_path > 3]\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((3, 21));
        e.Message.Should().Be("cannot apply '>' to STRING and INT64");
    }

    [Test]
    public void Compile_NonBooleanFilter_IsRejected()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events')\ndf = df[df.latency + 1]\npx.display(df)\n");
        e.Message.Should().Be("a filter must be a BOOLEAN expression, got INT64");
    }

    [Test]
    public void Compile_UndefinedName_SuggestsVariable()
    {
        var e = Error("import px\ndframe = px.DataFrame('http_events')\npx.display(dataframe)\n");
        (e.Line, e.Column).Should().Be((3, 12));
        e.Message.Should().Be("name 'dataframe' is not defined; did you mean 'dframe'?");
    }

    [Test]
    public void Compile_UnknownPxFunction_SuggestsName()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events')\ndf.x = px.contain(df.req_path, 'a')\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((3, 11));
        e.Message.Should().Be("module 'px' has no attribute 'contain'; did you mean 'contains'?");
    }

    [Test]
    public void Compile_UnknownKeyword_IsReported()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events', start='-5m')\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((2, 34));
        e.Message.Should().Be("DataFrame() got an unexpected keyword argument 'start'");
    }

    [Test]
    public void Compile_NothingDisplayed_ExplainsHowToFix()
    {
        var e = Error("import px\ndef f():\n    return px.DataFrame('http_events')\n");
        e.Message.Should().Contain("only defines functions");
    }

    [Test]
    public void Compile_BadStartTime_IsReportedAtArgument()
    {
        var e = Error("import px\ndf = px.DataFrame('http_events', start_time='five minutes ago')\npx.display(df)\n");
        (e.Line, e.Column).Should().Be((2, 45));
        e.Message.Should().StartWith("cannot parse time 'five minutes ago'");
    }
}
