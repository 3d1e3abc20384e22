using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Tests.Metadata;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pxl;

/// <summary><c>df.ctx[...]</c> end to end: process_stats rows whose UPIDs are real processes of this machine.</summary>
[TestFixture]
public class CtxTests
{
    private const long Now = 1_900_000_000_000_000_000;
    private ChildProcess _child = null!;
    private LocalMetadataProvider _provider = null!;
    private QueryExecutor _executor = null!;

    [SetUp]
    public void SetUp()
    {
        _child = MetadataTestData.StartSleep();
        _provider = MetadataTestData.Provider();
        var store = MetadataTestData.Store(Now, [MetadataTestData.Self, MetadataTestData.UpidOf(_child.Pid)]);
        _executor = new QueryExecutor(store, () => Now, functions: FunctionRegistry.Create(_provider));
    }

    [TearDown]
    public void TearDown() => _child.Dispose();

    private List<Dictionary<string, object?>> Run(string body)
    {
        var result = _executor.Execute(new QueryRequest("import px\ndf = px.DataFrame('process_stats')\n" + body + "\npx.display(df)"));
        return ResultRows.Of(result.Tables.Single());
    }

    [Test]
    public void Ctx_EveryKey_MatchesTheProvidersAnswerForEachProcess()
    {
        var keys = new[]
        {
            "container_id", "service_id", "pod_id", "deployment_id", "replicaset_id", "service", "pod", "pod_name", "deployment",
            "deployment_name", "namespace", "replica_set", "node", "node_name", "host", "hostname", "container", "container_name",
            "cmdline", "cmd",
        };
        var body = string.Join("\n", keys.Select(k => $"df.k_{k} = df.ctx['{k}']")) + "\ndf.k_asid = df.ctx['asid']\ndf.k_pid = df.ctx['pid']";

        var rows = Run(body);

        rows.Should().HaveCount(6);
        foreach (var row in rows)
        {
            var p = _provider.FindProcess((UInt128)row["upid"]!)!;
            var pod = p.Pod!;
            row["k_cmdline"].Should().Be(p.Cmdline).And.Be(row["k_cmd"]);
            row["k_pod"].Should().Be(pod.Name).And.Be(row["k_pod_name"]);
            row["k_pod_id"].Should().Be(pod.Id);
            row["k_namespace"].Should().Be(pod.Namespace);
            row["k_service"].Should().Be(pod.Services.Count == 1 ? pod.Services[0].Name : string.Empty);
            row["k_service_id"].Should().Be(pod.Services.Count == 1 ? pod.Services[0].Id : string.Empty);
            row["k_node"].Should().Be(System.Net.Dns.GetHostName()).And.Be(row["k_node_name"]).And.Be(row["k_host"]).And.Be(row["k_hostname"]);
            row["k_container_id"].Should().Be(p.ContainerId);
            row["k_container"].Should().Be(p.ContainerName).And.Be(row["k_container_name"]);
            row["k_deployment"].Should().Be(string.Empty);
            row["k_asid"].Should().Be((long)MetadataTestData.Asid);
            row["k_pid"].Should().Be((long)p.Pid);
        }

        rows.Select(r => r["k_cmdline"]).Should().Contain("sleep 30");
        rows.Select(r => (long)r["k_pid"]!).Should().Contain(Environment.ProcessId);
    }

    [Test]
    public void Ctx_FilterOnService_KeepsOnlyThatProcess()
    {
        var service = _provider.FindProcess(MetadataTestData.UpidOf(_child.Pid))!.Pod!.Services.Single().Name;

        var rows = Run($"df = df[df.ctx['service'] == '{service}']\ndf.cmd = df.ctx['cmdline']");

        rows.Should().NotBeEmpty().And.OnlyContain(r => (string)r["cmd"]! == "sleep 30" || _provider.FindProcess((UInt128)r["upid"]!)!.Pod!.Services[0].Name == service);
    }

    [Test]
    public void Ctx_GroupByNode_TwoProcessesOfOneNodeFormOneGroup()
    {
        var rows = Run("df.node = df.ctx['node']\ndf = df.groupby('node').agg(n=('rss_bytes', px.count))");

        rows.Should().ContainSingle().Which["n"].Should().Be(6L);
    }

    [Test]
    public void Ctx_UnknownKey_ErrorSuggestsNearestKey()
    {
        var act = () => Run("df.p = df.ctx['pdo']");

        act.Should().Throw<PxlCompileException>()
            .Where(e => e.Message.Contains("unknown metadata key 'pdo'") && e.Message.Contains("did you mean 'pod'?") && e.Line == 3 && e.Column == 15);
    }

    [Test]
    public void Ctx_FrameWithoutUpid_ErrorNamesTheMissingColumn()
    {
        var act = () => Run("df = df[['time_', 'rss_bytes']]\ndf.pod = df.ctx['pod']");

        act.Should().Throw<PxlCompileException>()
            .Where(e => e.Message.Contains("needs a 'upid' column") && e.Message.Contains("time_, rss_bytes") && e.Line == 4);
    }

    [Test]
    public void Ctx_FrameWithPodIdButNoUpid_DerivesFromThePodId()
    {
        var md = new FakeMetadataProvider();
        md.AddPod("pod-a", "shop", "web-1", 1, "web");
        var store = new Modules.TableStore.TableStore();
        var table = store.GetOrAdd(Modules.Pem.PemSchemas.NetworkStats);
        var b = new Modules.TableStore.RowBatchBuilder(Modules.Pem.PemSchemas.NetworkStats);
        foreach (var pod in new[] { "pod-a", "pod-b", "pod-a" })
        {
            var row = Modules.Pem.PemSchemas.NetworkStats.Columns.Select(c => c.Type == Modules.TableStore.DataType.String ? (object)pod : 0L).ToArray();
            b.AppendRow(row);
        }

        table.Append(b.Build());
        var executor = new QueryExecutor(store, () => Now, functions: FunctionRegistry.Create(md));

        var rows = ResultRows.Of(executor.Execute(new QueryRequest(
            "import px\ndf = px.DataFrame('network_stats')\ndf.pod = df.ctx['pod']\ndf.ns = df.ctx['namespace']\ndf.svc = df.ctx['service']\npx.display(df)")).Tables.Single());

        rows.Select(r => (r["pod"], r["ns"], r["svc"])).Should().Equal(("shop/web-1", "shop", "shop/web"), ("", "", ""), ("shop/web-1", "shop", "shop/web"));
    }

    [Test]
    public void Ctx_WithoutProvider_AnswersEmptyStrings()
    {
        var executor = new QueryExecutor(MetadataTestData.Store(Now, [MetadataTestData.Self]), () => Now);

        var rows = ResultRows.Of(executor.Execute(new QueryRequest("import px\ndf = px.DataFrame('process_stats')\ndf.pod = df.ctx['pod']\npx.display(df)")).Tables.Single());

        rows.Should().NotBeEmpty().And.OnlyContain(r => (string)r["pod"]! == string.Empty);
    }
}
