using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Tests.Metadata;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>Metadata calls above blocking operators: moved below them with the same results, or a compile error.</summary>
[TestFixture]
public class PlaceMetadataRuleTests
{
    private const long Now = 1_900_000_000_000_000_000;
    private ChildProcess _child = null!;
    private QueryExecutor _executor = null!;

    [SetUp]
    public void SetUp()
    {
        _child = MetadataTestData.StartSleep();
        var store = MetadataTestData.Store(Now, [MetadataTestData.Self, MetadataTestData.UpidOf(_child.Pid)]);
        _executor = new QueryExecutor(store, () => Now, functions: FunctionRegistry.Create(MetadataTestData.Provider()));
    }

    [TearDown]
    public void TearDown() => _child.Dispose();

    private List<Dictionary<string, object?>> Run(string script) =>
        ResultRows.Of(_executor.Execute(new QueryRequest(script)).Tables.Single());

    [Test]
    public void Execute_CtxAfterGroupbyOnUpid_SameAnswersAsBefore()
    {
        const string Before = """
            import px
            df = px.DataFrame('process_stats')
            df.cmd = df.ctx['cmdline']
            df = df.groupby(['upid', 'cmd']).agg(n=('rss_bytes', px.count))
            px.display(df[['cmd', 'n']])
            """;
        const string After = """
            import px
            df = px.DataFrame('process_stats')
            df = df.groupby('upid').agg(n=('rss_bytes', px.count))
            df.cmd = df.ctx['cmdline']
            px.display(df[['cmd', 'n']])
            """;

        var before = Run(Before).Select(r => ((string)r["cmd"]!, (long)r["n"]!)).Order().ToList();
        var after = Run(After).Select(r => ((string)r["cmd"]!, (long)r["n"]!)).Order().ToList();

        after.Should().Equal(before);
        after.Should().Contain(("sleep 30", 3L));
        _executor.Explain(new QueryRequest(After)).Should().Contain("cmd=upid_to_cmdline(upid)@node").And.Contain("groups=[upid, cmd]");
    }

    [Test]
    public void Execute_CtxAfterHead_ComputedBelowTheLimit()
    {
        const string Script = """
            import px
            df = px.DataFrame('process_stats')
            df = df.head(4)
            df.cmd = df.ctx['cmdline']
            px.display(df)
            """;

        var rows = Run(Script);

        rows.Should().HaveCount(4).And.Contain(r => (string)r["cmd"]! == "sleep 30");
        var plan = _executor.Explain(new QueryRequest(Script));
        plan.IndexOf("LimitExec", StringComparison.Ordinal).Should().BeLessThan(plan.IndexOf("@node", plan.IndexOf("== Physical", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    [Test]
    public void Compile_UpidProducedByAnAggregate_ErrorWithPosition()
    {
        const string Script = """
            import px
            df = px.DataFrame('process_stats')
            df = df.groupby('rss_bytes').agg(u=('upid', px.any))
            df.pod = px.upid_to_pod_name(df.u)
            px.display(df)
            """;

        var act = () => _executor.Explain(new QueryRequest(Script));

        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 4
            && e.Message.Contains("px.upid_to_pod_name reads the process metadata")
            && e.Message.Contains("'u' is not a groupby column of the aggregate"));
    }

    [Test]
    public void Explain_SameCallTwiceAfterAggregate_ComputedOnce()
    {
        const string Script = """
            import px
            df = px.DataFrame('process_stats')
            df = df.groupby('upid').agg(n=('rss_bytes', px.count))
            df.both = px.contains(df.ctx['cmdline'], 'sleep') | px.contains(df.ctx['cmdline'], 'dotnet')
            px.display(df)
            """;

        var plan = _executor.Explain(new QueryRequest(Script));

        plan.Split("== Physical")[0].Split("upid_to_cmdline(upid)@node").Should().HaveCount(2, "one computed column serves both uses");
        Run(Script).Should().Contain(r => (bool)r["both"]!);
    }

    [Test]
    public void Compile_NonMetadataFunctionAfterAggregate_NotMarked()
    {
        var plan = _executor.Explain(new QueryRequest("""
            import px
            df = px.DataFrame('process_stats')
            df = df.groupby('upid').agg(n=('rss_bytes', px.count))
            df.pid = px.upid_to_pid(df.upid)
            px.display(df)
            """));

        plan.Should().Contain("pid=upid_to_pid(upid)").And.NotContain("@node").And.NotContain(nameof(Modules.Pxl.Rules.PlaceMetadataRule));
    }
}
