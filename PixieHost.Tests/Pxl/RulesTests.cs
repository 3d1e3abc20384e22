using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Rules;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class RulesTests
{
    private static LogicalSink Compile(string body) =>
        new ScriptCompiler(new TableStoreCatalog(new TableStore())).Compile("import px\n" + body, HttpEventsData.Now).Sinks[0];

    private static LogicalPlan Apply(IRule rule, LogicalPlan plan, bool expectChange)
    {
        var result = rule.Rewrite(plan, out var changed);
        changed.Should().Be(expectChange, $"{rule.Name} on\n{plan.Explain()}");
        return result;
    }

    [Test]
    public void MergeTimeRange_BoundsOnTime_MoveIntoSourceAndKeepOtherConditions()
    {
        var plan = Compile("df = px.DataFrame('http_events')\ndf = df[(df.time_ >= 1000) & (df.latency > 5) & (df.time_ < 2000)]\npx.display(df)\n");
        var rule = new MergeTimeRangeRule();

        var merged = Apply(rule, plan, expectChange: true);
        var filter = (LogicalFilter)merged.Input;
        filter.Predicate.ToString().Should().Be("(latency > 5)");
        var source = (LogicalSource)filter.Input;
        (source.StartNs, source.EndNs).Should().Be((1000L, 1999L));
        Apply(rule, merged, expectChange: false);
    }

    [Test]
    public void MergeTimeRange_ConstantOnTheLeft_IsFlipped()
    {
        var plan = Compile("df = px.DataFrame('http_events', start_time=500)\ndf = df[1000 > df.time_]\npx.display(df)\n");
        var source = (LogicalSource)Apply(new MergeTimeRangeRule(), plan, expectChange: true).Input;
        (source.StartNs, source.EndNs).Should().Be((500L, 999L));
    }

    [Test]
    public void PushFilterDown_FilterOnPassThroughColumn_MovesBelowMap()
    {
        var plan = Compile("df = px.DataFrame('http_events')\ndf.ms = df.latency / 1000\ndf = df[df.resp_status == 200]\npx.display(df)\n");
        var pushed = Apply(new PushFilterDownRule(), plan, expectChange: true);
        pushed.Input.Should().BeOfType<LogicalMap>().Which.Input.Should().BeOfType<LogicalFilter>();
    }

    [Test]
    public void PushFilterDown_FilterOnComputedColumn_StaysAboveMap()
    {
        var plan = Compile("df = px.DataFrame('http_events')\ndf.ms = df.latency / 1000\ndf = df[df.ms > 2]\npx.display(df)\n");
        Apply(new PushFilterDownRule(), plan, expectChange: false);
    }

    [Test]
    public void PushLimit_StackedLimitsAndMaps_FoldToSmallestBelowMap()
    {
        var plan = Compile("df = px.DataFrame('http_events')\ndf = df.head(50)\ndf.x = df.latency * 2\ndf = df.head(20)\npx.display(df)\n");
        var rule = new PushLimitRule();
        LogicalPlan result = plan;
        var changed = true;
        while (changed)
        {
            result = rule.Rewrite(result, out changed);
        }

        result.Explain().Should().Contain("LogicalLimit: 20").And.NotContain("LogicalLimit: 50");
        result.Input.Should().BeOfType<LogicalMap>();
    }

    [Test]
    public void PruneColumns_SecondRun_ChangesNothing()
    {
        var plan = Compile("df = px.DataFrame('http_events')\ndf = df.groupby('req_path').agg(n=('latency', px.count))\npx.display(df)\n");
        var rule = new PruneColumnsRule();
        var pruned = Apply(rule, plan, expectChange: true);
        ((LogicalSource)pruned.Input.Input).Columns.Should().Equal("req_path", "latency");
        Apply(rule, pruned, expectChange: false);
    }

    [Test]
    public void MergeMaps_InnerComputedColumnUsedTwice_IsNotDuplicated()
    {
        var plan = Compile("df = px.DataFrame('http_events')\ndf.ms = df.latency / 1000\ndf.a = df.ms + 1\ndf.b = df.ms + 2\npx.display(df[['a', 'b']])\n");
        var optimized = new Optimizer().Optimize(new LogicalQuery([plan], new Dictionary<string, string>())).Query;
        optimized.Explain().Should().Contain("ms=(latency / 1000)");
    }

    [Test]
    public void Optimizer_OptimizedPlan_IsAFixedPoint()
    {
        var query = new LogicalQuery([Compile("df = px.DataFrame('http_events', start_time='-5m')\ndf.s = df.resp_status\ndf = df[df.s >= 400]\ndf = df[df.time_ > px.now() - px.seconds(30)]\npx.display(df.head(3))\n")], new Dictionary<string, string>());
        var optimizer = new Optimizer();
        var (once, applied) = optimizer.Optimize(query);
        applied.Should().NotBeEmpty();
        var (twice, again) = optimizer.Optimize(once);
        twice.Explain().Should().Be(once.Explain());
        again.Should().BeEmpty();
    }
}
