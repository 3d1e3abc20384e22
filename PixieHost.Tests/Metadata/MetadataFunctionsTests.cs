using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Metadata;

[TestFixture]
public class MetadataFunctionsTests
{
    private FakeMetadataProvider _md = null!;
    private FunctionRegistry _registry = null!;
    private UInt128 _web;
    private UInt128 _db;

    [SetUp]
    public void SetUp()
    {
        _md = new FakeMetadataProvider();
        var web = _md.AddPod("pod-web", "shop", "web-1", 1_000, "web");
        var db = _md.AddPod("pod-db", "shop", "db-0", 2_000, "db", "db-read");
        _web = new Upid(1, 100, 5).Value;
        _db = new Upid(1, 200, 6).Value;
        _md.Processes[_web] = new ProcessMetadata(_web, 100, 5, "nginx -g daemon off;", "c1", "web", web);
        _md.Processes[_db] = new ProcessMetadata(_db, 200, 6, "postgres", "c2", "db", db);
        _md.PodsByIp["10.0.0.5"] = web;
        _registry = FunctionRegistry.Create(_md);
    }

    private Column Call(string name, params Datum[] args) => Call(name, args.Length == 0 ? 3 : args[0].Column?.Length ?? 1, args);

    private Column Call(string name, int rows, params Datum[] args)
    {
        _registry.TryGetScalar(name, out var f).Should().BeTrue(name);
        f.TryResolve(args.Select(a => a.Type).ToArray(), out var o).Should().BeTrue();
        return o.Kernel(args, rows);
    }

    private static Datum Upids(params UInt128[] v) => new(new UInt128Column(v, v.Length));

    private static Datum Strings(params string[] v) => new(StringColumn.FromStrings(v));

    private static object?[] Values(Column c) => Enumerable.Range(0, c.Length).Select(c.GetValue).ToArray();

    [Test]
    public void UpidToPodName_RepeatedUpids_LooksUpEachDistinctValueOncePerBatch()
    {
        var rows = new[] { _web, _web, _db, _web, _db, _db, _web, new Upid(9, 9, 9).Value };

        var names = Call("upid_to_pod_name", Upids(rows));

        Values(names).Should().Equal("shop/web-1", "shop/web-1", "shop/db-0", "shop/web-1", "shop/db-0", "shop/db-0", "shop/web-1", "");
        _md.ProcessLookups.Should().Be(3);
    }

    [Test]
    public void UpidToPodName_LargeBatch_AllocatesOnlyTheOutputColumn()
    {
        const int Rows = 8192;
        var upids = Upids(Enumerable.Range(0, Rows).Select(i => i % 8 < 5 ? _web : _db).ToArray());
        Call("upid_to_pod_name", upids);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var names = Call("upid_to_pod_name", upids);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        names.Length.Should().Be(Rows);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 200; i++)
        {
            Call("upid_to_pod_name", upids);
        }

        TestContext.Out.WriteLine($"upid_to_pod_name: {allocated} B allocated for {Rows} rows; {200.0 * Rows / watch.Elapsed.TotalSeconds / 1e6:F1}M rows/s");
        // Output bytes and offsets, one reference per row while building, and a few KB of lookups; a string per
        // row would add at least 32 bytes per row (256 KB here).
        allocated.Should().BeLessThan((Rows * (8 + 4 + "shop/web-1".Length)) + (64 * 1024));
        ((StringColumn)names).IsEncoded.Should().BeTrue("two distinct answers over 8192 rows");
    }

    [Test]
    public void UpidToNamespace_DifferentUpidsSameAnswer_EncodedWithOneCode()
    {
        var column = (StringColumn)Call("upid_to_namespace", Upids(_web, _db, _web, _db, _web, _db));

        column.IsEncoded.Should().BeTrue();
        column.Dictionary!.Count.Should().Be(1, "both pods are in namespace shop: a dictionary's values are distinct");
        Values(column).Should().OnlyContain(v => (string)v! == "shop");
    }

    [TestCase("upid_to_namespace", "shop", "shop")]
    [TestCase("upid_to_pod_id", "pod-web", "pod-db")]
    [TestCase("upid_to_service_name", "shop/web", "[\"shop/db\",\"shop/db-read\"]")]
    [TestCase("upid_to_service_id", "svc-web", "[\"svc-db\",\"svc-db-read\"]")]
    [TestCase("upid_to_container_id", "c1", "c2")]
    [TestCase("upid_to_container_name", "web", "db")]
    [TestCase("upid_to_cmdline", "nginx -g daemon off;", "postgres")]
    [TestCase("upid_to_node_name", "node-1", "node-1")]
    [TestCase("upid_to_hostname", "host-1", "host-1")]
    [TestCase("upid_to_deployment_name", "", "")]
    [TestCase("upid_to_string", "1:100:5", "1:200:6")]
    public void UpidFunctions_KnownProcesses_AnswerFromThePod(string function, string web, string db) =>
        Values(Call(function, Upids(_web, _db))).Should().Equal(web, db);

    [Test]
    public void UpidToAsidAndPid_AreTheUpidParts()
    {
        Values(Call("upid_to_asid", Upids(_web))).Should().Equal(1L);
        Values(Call("upid_to_pid", Upids(_web, _db))).Should().Equal(100L, 200L);
    }

    [Test]
    public void UpidToPodName_ScalarArgument_RepeatsTheAnswer() =>
        Values(Call("upid_to_pod_name", 3, new Datum(ScalarValue.OfUInt128(_db)))).Should().Equal("shop/db-0", "shop/db-0", "shop/db-0");

    [Test]
    public void PodIdFunctions_RepeatedIds_LookUpOncePerDistinctValue()
    {
        var names = Call("pod_id_to_pod_name", Strings("pod-web", "pod-web", "pod-db", "pod-web", "nope"));

        Values(names).Should().Equal("shop/web-1", "shop/web-1", "shop/db-0", "shop/web-1", "");
        _md.PodLookups.Should().Be(3);
        Values(Call("pod_id_to_start_time", Strings("pod-db", "nope"))).Should().Equal(2_000L, 0L);
        Values(Call("pod_id_to_service_name", Strings("pod-web"))).Should().Equal("shop/web");
        Values(Call("pod_id_to_namespace", Strings("pod-web"))).Should().Equal("shop");
        Values(Call("pod_id_to_node_name", Strings("pod-web"))).Should().Equal("node-1");
    }

    [Test]
    public void PodNameFunctions_KnownAndUnknownPods()
    {
        Values(Call("pod_name_to_pod_id", Strings("shop/db-0", "shop/x"))).Should().Equal("pod-db", "");
        Values(Call("pod_name_to_namespace", Strings("shop/db-0"))).Should().Equal("shop");
        Values(Call("pod_name_to_start_time", Strings("shop/web-1"))).Should().Equal(1_000L);
        Values(Call("pod_name_to_service_id", Strings("shop/web-1"))).Should().Equal("svc-web");
        Values(Call("pod_name_to_status", Strings("shop/web-1", "shop/x"))).Should().Equal(
            "{\"phase\":\"Running\",\"message\":\"\",\"reason\":\"\",\"ready\":true}",
            "{\"phase\":\"Unknown\",\"message\":\"\",\"reason\":\"\",\"ready\":false}");
    }

    [Test]
    public void ServiceAndIpFunctions()
    {
        Values(Call("service_name_to_service_id", Strings("shop/web", "shop/none"))).Should().Equal("svc-web", "");
        Values(Call("service_id_to_service_name", Strings("svc-db"))).Should().Equal("shop/db");
        Values(Call("service_name_to_namespace", Strings("shop/db"))).Should().Equal("shop");
        Values(Call("ip_to_pod_id", Strings("10.0.0.5", "1.2.3.4"))).Should().Equal("pod-web", "");
        Values(Call("ip_to_service_id", Strings("10.0.0.5", "1.2.3.4"))).Should().Equal("svc-web", "");
        Values(Call("has_service_name", Strings("shop/web", "", "[]"))).Should().Equal(true, false, false);
        Values(Call("nslookup", Strings("10.0.0.9", "10.0.0.8"))).Should().Equal("db.internal", "10.0.0.8");
    }

    [Test]
    public void ContainerFunctions_KnownAndUnknownContainers()
    {
        _md.Containers["c1"] = new ContainerMetadata("c1", "web", "pod-web", 3_000, "Running");

        Values(Call("container_name_to_container_id", Strings("web", "nope"))).Should().Equal("c1", "");
        Values(Call("container_id_to_start_time", Strings("c1", "nope"))).Should().Equal(3_000L, 0L);
        Values(Call("container_name_to_start_time", Strings("web"))).Should().Equal(3_000L);
        Values(Call("container_id_to_container_status", Strings("c1", "nope"))).Should().Equal(
            "{\"state\":\"Running\",\"message\":\"\",\"reason\":\"\"}",
            "{\"state\":\"Unknown\",\"message\":\"\",\"reason\":\"\"}");
    }

    [Test]
    public void ConstantFunctions_AnswerForEveryRow()
    {
        Values(Call("vizier_name", 2)).Should().Equal("vz", "vz");
        Values(Call("vizier_id", 1)).Should().Equal("00000000-0000-0000-0000-000000000001");
        Values(Call("get_cidrs", 1)).Should().Equal("[\"10.0.0.0/24\"]");
    }

    [Test]
    public void SemanticTypes_FollowPixie()
    {
        Semantic("upid_to_pod_name", DataType.UInt128).Should().Be(SemanticType.PodName);
        Semantic("upid_to_service_name", DataType.UInt128).Should().Be(SemanticType.ServiceName);
        Semantic("upid_to_namespace", DataType.UInt128).Should().Be(SemanticType.NamespaceName);
        Semantic("upid_to_node_name", DataType.UInt128).Should().Be(SemanticType.NodeName);
        Semantic("pod_name_to_status", DataType.String).Should().Be(SemanticType.PodStatus);
    }

    [Test]
    public void Default_HasMetadataFunctionsAnsweringEmpty()
    {
        FunctionRegistry.Default.TryGetScalar("upid_to_pod_name", out var f).Should().BeTrue();
        f.TryResolve([DataType.UInt128], out var o).Should().BeTrue();
        Values(o.Kernel([Upids(_web)], 1)).Should().Equal(string.Empty);
    }

    private SemanticType Semantic(string name, DataType arg)
    {
        _registry.TryGetScalar(name, out var f);
        f.TryResolve([arg], out var o);
        return o.ResultSemantic([SemanticType.None]);
    }
}
