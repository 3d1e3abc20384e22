using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Rules;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class FoldConstantsRuleTests
{
    private static LogicalSink Compile(string body) =>
        new ScriptCompiler(new TableStoreCatalog(new TableStore())).Compile("import px\ndf = px.DataFrame('http_events')\n" + body, HttpEventsData.Now).Sinks[0];

    private static LogicalMap FoldedMap(string body)
    {
        var folded = new FoldConstantsRule().Rewrite(Compile(body), out var changed);
        changed.Should().BeTrue();
        return (LogicalMap)folded.Input;
    }

    [Test]
    public void Fold_SemanticCast_KeepsTypeAndSemanticType()
    {
        var e = FoldedMap("df.budget = px.DurationNanos(5000000)\npx.display(df)\n").Exprs.Single(x => x.Name == "budget").Expr;
        e.Should().BeOfType<LiteralExpr>().Which.Value.Should().Be(5000000L);
        e.Type.Should().Be(DataType.Int64);
        e.Semantic.Should().Be(SemanticType.DurationNs);
    }

    [Test]
    public void Fold_NowMinusMinutes_IsATime64Literal()
    {
        var e = FoldedMap("df.t = px.now() - px.minutes(5)\npx.display(df)\n").Exprs.Single(x => x.Name == "t").Expr;
        e.Should().Be(new LiteralExpr(HttpEventsData.Now - 300_000_000_000L, DataType.Time64NS, SemanticType.TimeNs));
    }

    [Test]
    public void Fold_NestedCallsOverColumns_FoldsOnlyTheConstantPart()
    {
        var e = FoldedMap("df.x = df.latency + px.DurationNanos(px.parse_duration('1ms')) * 3\npx.display(df)\n").Exprs.Single(x => x.Name == "x").Expr;
        e.ToString().Should().Be("(latency + 3000000)");
    }

    [Test]
    public void Fold_KernelThatThrows_IsLeftForRunTime()
    {
        var f = new ScalarFunction("throws").Add([DataType.Int64], DataType.Int64, (a, n) => throw new ArgumentException("bad constant"));
        var call = new FunctionExpr(f, f.Overloads[0], [new LiteralExpr(1L, DataType.Int64)]);
        FoldConstantsRule.Fold(call).Should().BeSameAs(call);
    }

    [Test]
    public void Fold_NodeLocalMetadataFunction_IsNotFolded()
    {
        var f = new ScalarFunction("upid_to_test").Add([DataType.String], DataType.String, (a, n) => a[0].ToColumn(n));
        var call = new FunctionExpr(f, f.Overloads[0], [new LiteralExpr("x", DataType.String)]);
        FoldConstantsRule.Fold(call).Should().BeSameAs(call);
    }

    [Test]
    public void Fold_NothingConstant_ReportsNoChange()
    {
        new FoldConstantsRule().Rewrite(Compile("df.x = df.latency * 2\npx.display(df)\n"), out var changed);
        changed.Should().BeFalse();
    }

    [Test]
    public void StartTime_NowMinusDuration_IsAcceptedAsATime()
    {
        var sink = new ScriptCompiler(new TableStoreCatalog(new TableStore()))
            .Compile("import px\npx.display(px.DataFrame('http_events', start_time=px.now() - px.minutes(5), end_time=px.now()))\n", HttpEventsData.Now).Sinks[0];
        var source = (LogicalSource)sink.Input;
        (source.StartNs, source.EndNs).Should().Be((HttpEventsData.Now - 300_000_000_000L, HttpEventsData.Now));
    }

    [Test]
    public void Execute_FoldedPlan_GivesTheSameRowsAsUnfolded()
    {
        var rows = HttpEventsData.Rows(500);
        var store = HttpEventsData.Store(rows, 64);
        const string Script = "import px\ndf = px.DataFrame('http_events', start_time=0)\ndf = df[df.time_ >= px.now() - px.minutes(2)]\ndf.slow = df.latency > px.DurationNanos(px.parse_duration('20ms'))\ndf.t = px.now()\npx.display(df[['time_', 'slow', 't']])\n";
        var folded = new QueryExecutor(store, () => HttpEventsData.Now).Execute(new QueryRequest(Script));
        var plain = new QueryExecutor(store, () => HttpEventsData.Now).Prepare(new QueryRequest(Script));
        plain.AppliedRules.Should().Contain("FoldConstantsRule");
        var got = ResultRows.Of(folded.Tables.Single());
        got.Should().HaveCount(rows.Count(r => r.Time >= HttpEventsData.Now - 120_000_000_000L));
        got.Should().OnlyContain(r => (bool)r["slow"]! == (rows.First(x => x.Time == (long)r["time_"]!).Latency > 20_000_000));
        got.Should().OnlyContain(r => (long)r["t"]! == HttpEventsData.Now);
        folded.Tables.Single().Relation[2].Type.Should().Be(DataType.Time64NS);
    }
}
