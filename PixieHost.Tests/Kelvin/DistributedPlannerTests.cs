using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Scripts;
using Google.Protobuf;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Kelvin;

/// <summary>Where plans are cut, and that every cut plan survives the trip to another process unchanged.</summary>
[TestFixture]
public class DistributedPlannerTests
{
    private static DistributedPlan Split(string script, FunctionRegistry? functions = null)
    {
        var engine = new QueryExecutor(LibraryData.Empty(), () => HttpEventsData.Now, functions: functions);
        var (query, _, maxRows) = engine.PlanLogical(new QueryRequest(script));
        return DistributedPlanner.Split(query, maxRows);
    }

    [Test]
    public void Split_GroupBy_PartialOnNodesFinalOnCluster()
    {
        var plan = Split("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df = df[df.resp_status >= 400]
            px.display(df.groupby('req_path').agg(n=('latency', px.count), m=('latency', px.mean)))
            """);

        plan.NodeFragments.Should().ContainSingle();
        var node = plan.NodeFragments[0].Root.Should().BeOfType<LogicalAggregate>().Subject;
        node.Mode.Should().Be(AggregateMode.Partial);
        node.Input.Should().BeOfType<LogicalFilter>("the filter runs where the rows are");
        node.Schema.Select(c => c.Name).Should().Equal("req_path", "n", "m$0", "m$1");
        var cluster = plan.ClusterSinks[0].Input.Should().BeOfType<LogicalAggregate>().Subject;
        cluster.Mode.Should().Be(AggregateMode.Final);
        cluster.Input.Should().BeOfType<LogicalRemoteSource>().Which.FragmentId.Should().Be(0);
        cluster.Schema.Select(c => c.Name).Should().Equal("req_path", "n", "m");
    }

    [Test]
    public void Split_RowsWithoutAggregate_NodesApplyTheOutputLimit()
    {
        var plan = Split("import px\npx.display(px.DataFrame(table='http_events', start_time='-5m')[['req_path', 'latency']])");

        var limit = plan.NodeFragments.Should().ContainSingle().Subject.Root.Should().BeOfType<LogicalLimit>().Subject;
        limit.Count.Should().Be(QueryExecutor.DefaultMaxOutputRowsPerTable);
        plan.ClusterSinks[0].Input.Should().BeOfType<LogicalRemoteSource>();
    }

    [Test]
    public void Split_Head_LimitsOnBothSides()
    {
        var plan = Split("import px\ndf = px.DataFrame(table='http_events', start_time='-5m')\npx.display(df.head(7))");

        plan.NodeFragments[0].Root.Should().BeOfType<LogicalLimit>().Which.Count.Should().Be(7);
        plan.ClusterSinks[0].Input.Should().BeOfType<LogicalLimit>().Which.Input.Should().BeOfType<LogicalRemoteSource>();
    }

    [Test]
    public void Split_JoinOfAggregates_TwoFragmentsJoinedOnTheCluster()
    {
        var plan = Split("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            a = df.groupby('req_path').agg(n=('latency', px.count))
            b = df.groupby('req_path').agg(m=('latency', px.max))
            px.display(a.merge(b, how='inner', left_on='req_path', right_on='req_path', suffixes=['', '_b']))
            """);

        plan.NodeFragments.Should().HaveCount(2).And.OnlyContain(f => f.Root is LogicalAggregate && ((LogicalAggregate)f.Root).Mode == AggregateMode.Partial);
        var join = plan.ClusterSinks[0].Input.Should().BeAssignableTo<LogicalPlan>().Subject;
        Descendants(join).OfType<LogicalJoin>().Should().ContainSingle();
        Descendants(join).OfType<LogicalAggregate>().Should().HaveCount(2).And.OnlyContain(a => a.Mode == AggregateMode.Final);
    }

    [Test]
    public void Split_Udtf_RunsOnTheClusterOnly()
    {
        var plan = Split("import px\npx.display(px.GetAgentStatus())");

        plan.NodeFragments.Should().BeEmpty();
        plan.ClusterSinks[0].Input.Should().BeOfType<LogicalUdtfSource>();
    }

    [Test]
    public void Explain_SplitPlan_NamesFragmentsAndTheClusterSide()
    {
        var text = Split("import px\ndf = px.DataFrame(table='http_events', start_time='-5m')\npx.display(df.groupby('req_path').agg(n=('latency', px.count)))").Explain();

        text.Should().Contain("-- node fragment 0 (every pem) --\nLogicalAggregate: mode=Partial, groups=[req_path], aggs=[n=count(latency)]\n");
        text.Should().Contain("-- cluster (one kelvin) --\nLogicalSink: name=output");
        text.Should().Contain("  LogicalAggregate: mode=Final, groups=[req_path], aggs=[n=count(latency)]\n    LogicalRemoteSource: fragment=0");
    }

    public static IEnumerable<string> LibraryScripts() => ScriptLibrary.Embedded.List().Select(s => s.Name);

    /// <summary>Encode → bytes → decode gives the same plan (as EXPLAIN prints it) for every library script.</summary>
    [TestCaseSource(nameof(LibraryScripts))]
    public void Codec_LibraryScriptPlan_RoundTripsThroughBytes(string name)
    {
        var functions = FunctionRegistry.Create(LibraryData.Pods());
        var engine = new QueryExecutor(LibraryData.Empty(), () => HttpEventsData.Now, functions: functions);
        var (query, _, maxRows) = engine.PlanLogical(new QueryRequest(ScriptLibrary.Embedded.TryGet(name, out var s) ? s.Pxl : string.Empty, QueryName: name));
        var plan = DistributedPlanner.Split(query, maxRows);

        var bytes = PlanCodec.Encode(plan).ToByteArray();
        var decoded = engine.CreateCodec().Decode(Modules.Rpc.Plan.DistributedPlan.Parser.ParseFrom(bytes), HttpEventsData.Now);

        decoded.Explain().Should().Be(plan.Explain());
        decoded.MaxRowsPerTable.Should().Be(maxRows);
    }

    [Test]
    public void Codec_UnknownFunction_FailsNamingIt()
    {
        var plan = Split("import px\ndf = px.DataFrame(table='http_events', start_time='-5m')\ndf.x = px.toupper(df.req_path)\npx.display(df)");
        var pb = PlanCodec.Encode(plan);
        pb.NodeFragments[0].Root.Limit.Input.Map.Exprs.Single(e => e.Name == "x").Expr.Call.Function = "no_such_fn";

        var act = () => new QueryExecutor(new TableStore()).CreateCodec().Decode(pb, 0);

        act.Should().Throw<PlanDecodeException>().WithMessage("*no_such_fn(STRING) is not known here*");
    }

    /// <summary>Corrupted plan bytes from a broken or hostile peer: a clear decode error, never a crash of another kind.</summary>
    [Test]
    public void Codec_RandomlyCorruptedPlans_FailOnlyWithDecodeErrors()
    {
        var functions = FunctionRegistry.Create(LibraryData.Pods());
        var engine = new QueryExecutor(LibraryData.Empty(), () => HttpEventsData.Now, functions: functions);
        var codec = engine.CreateCodec();
        var rng = new Random(17);
        var failures = new List<string>();
        foreach (var name in new[] { "px/http_request_stats", "px/service_stats", "px/net_flow_graph", "px/pod" })
        {
            var (query, _, maxRows) = engine.PlanLogical(new QueryRequest(ScriptLibrary.Embedded.TryGet(name, out var s) ? s.Pxl : string.Empty, QueryName: name));
            var bytes = PlanCodec.Encode(DistributedPlanner.Split(query, maxRows)).ToByteArray();
            for (var i = 0; i < 3000; i++)
            {
                var mutated = (byte[])bytes.Clone();
                for (var m = rng.Next(1, 4); m > 0; m--)
                {
                    mutated[rng.Next(mutated.Length)] = (byte)rng.Next(256);
                }

                var cut = rng.Next(4) == 0 ? mutated[..rng.Next(mutated.Length)] : mutated;
                try
                {
                    var plan = codec.Decode(Modules.Rpc.Plan.DistributedPlan.Parser.ParseFrom(cut), HttpEventsData.Now);
                    _ = plan.Explain();
                }
                catch (Exception e) when (e is PlanDecodeException or InvalidProtocolBufferException)
                {
                }
                catch (Exception e)
                {
                    failures.Add($"{e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
                }
            }
        }

        failures.Distinct().Should().BeEmpty();
    }

    private static IEnumerable<LogicalPlan> Descendants(LogicalPlan p) => new[] { p }.Concat(p.Inputs.SelectMany(Descendants));
}
