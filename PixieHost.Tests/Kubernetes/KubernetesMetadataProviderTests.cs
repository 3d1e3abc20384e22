using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Kubernetes;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Metadata;
using PixieHost.Tests.Support;
using static PixieHost.Tests.Kubernetes.KubeTestSupport;

namespace PixieHost.Tests.Kubernetes;

/// <summary>
/// The Kubernetes metadata provider over informers fed by <see cref="FakeKubernetesApi"/> (a stand-in: no
/// Kubernetes runs here) and a real child process whose /proc/PID/cgroup is a recorded containerd line.
/// </summary>
[TestFixture]
public class KubernetesMetadataProviderTests
{
    private FakeKubernetesApi _api = null!;
    private KubernetesApiClient _client = null!;
    private CancellationTokenSource _stop = null!;
    private Task _run = Task.CompletedTask;
    private ChildProcess _sleep = null!;
    private FakeProcRoot _proc = null!;
    private KubernetesMetadataProvider _md = null!;

    [SetUp]
    public async Task SetUp()
    {
        _sleep = MetadataTestData.StartSleep();
        _proc = new FakeProcRoot(_sleep.Pid);
        _api = (await FakeKubernetesApi.StartAsync()).LoadAll();
        // A no-op with the recorded cgroup; where the test itself runs in a container, the pod gets that container's id.
        _api.Pods.Modify(FrontendPod, p => p["status"]!["containerStatuses"]![1]!["containerID"] = "containerd://" + _proc.ContainerId);
        _client = ApiClient(_api);
        _stop = new CancellationTokenSource();
        var informers = new ClusterInformers(_client, Options());
        _run = informers.RunAsync(_stop.Token);
        await informers.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        var local = new LocalMetadataProvider(new LocalMetadataOptions(), MetadataTestData.Asid, proc: new ProcFs(_proc.Root));
        _md = new KubernetesMetadataProvider(informers, local, "node-1");
        _md.Rebuild();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        _client.Dispose();
        await _api.DisposeAsync();
        _proc.Dispose();
        _sleep.Dispose();
    }

    private UInt128 SleepUpid => MetadataTestData.UpidOf(_sleep.Pid);

    [Test]
    public void FindProcess_RealSleepInTheFrontendContainer_MapsToItsPodServiceNamespaceNodeAndOwners()
    {
        var p = _md.FindProcess(SleepUpid)!;

        p.Cmdline.Should().Be("sleep 30", "the process itself is real");
        p.ContainerId.Should().Be(_proc.ContainerId);
        p.ContainerName.Should().Be("nginx");
        var pod = p.Pod!;
        pod.Name.Should().Be(FrontendPod);
        pod.Id.Should().Be(FrontendPodUid);
        pod.Namespace.Should().Be("default");
        pod.NodeName.Should().Be("node-1");
        pod.Ip.Should().Be("10.244.1.12");
        pod.Services.Select(s => s.Name).Should().Equal("default/frontend");
        pod.Services[0].ClusterIp.Should().Be("10.96.12.34");
        pod.ReplicaSetName.Should().Be("default/frontend-7d4b9c8f6d");
        pod.DeploymentName.Should().Be("default/frontend");
        pod.DeploymentId.Should().Be("7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a");
        pod.StartTimeNs.Should().Be(DateTimeOffset.Parse("2026-11-30T09:14:02Z").ToUnixTimeMilliseconds() * 1_000_000);
        pod.StatusJson.Should().Be("{\"phase\":\"Running\",\"message\":\"\",\"reason\":\"\",\"ready\":true}");
        _md.NodeName.Should().Be("node-1");
    }

    [Test]
    public void MetadataFunctions_RealSleepUpid_AnswerFromKubernetes()
    {
        var registry = FunctionRegistry.Create(_md);
        string Call(string name)
        {
            registry.TryGetScalar(name, out var f).Should().BeTrue(name);
            f.TryResolve([DataType.UInt128], out var o).Should().BeTrue();
            var column = o.Kernel([new Datum(new UInt128Column([SleepUpid], 1))], 1);
            return (string)column.GetValue(0)!;
        }

        Call("upid_to_pod_name").Should().Be(FrontendPod);
        Call("upid_to_service_name").Should().Be("default/frontend");
        Call("upid_to_namespace").Should().Be("default");
        Call("upid_to_node_name").Should().Be("node-1");
        Call("upid_to_deployment_name").Should().Be("default/frontend");
        Call("upid_to_container_name").Should().Be("nginx");
        registry.TryGetScalar("ip_to_service_id", out var ipToService).Should().BeTrue();
        ipToService.TryResolve([DataType.String], out var o2).Should().BeTrue();
        var ids = o2.Kernel([new Datum(StringColumn.FromStrings(["10.96.45.67", "10.244.1.12", "192.0.2.1"]))], 3);
        Enumerable.Range(0, 3).Select(i => ids.GetValue(i)).Should().Equal(
            "1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e", "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", string.Empty);
    }

    [Test]
    public void FindPodByName_ServiceWithoutEndpoints_MatchesPodsByTheServicesSelector()
    {
        var pod = _md.FindPodByName(BackendPod)!;

        pod.Services.Select(s => s.Name).Should().Equal("default/backend");
        pod.NodeName.Should().Be("node-2");
        pod.DeploymentName.Should().Be("default/backend");
        _md.FindService(pod.Services[0].Id)!.ClusterIp.Should().Be("10.96.45.67");
    }

    [Test]
    public void FindByIp_PodAndServiceAddresses_ResolveButHostNetworkPodsDoNot()
    {
        _md.FindPodByIp("10.244.2.7")!.Name.Should().Be(BackendPod);
        _md.FindServiceByIp("10.96.12.34")!.Name.Should().Be("default/frontend");
        _md.FindServiceByIp("10.96.0.1")!.Name.Should().Be("default/kubernetes");
        _md.FindPodByIp("172.18.0.3").Should().BeNull("kube-proxy uses the node's network; 172.18.0.3 is node-1");
        _md.FindPodByName("kube-system/kube-proxy-7hx2m")!.Services.Should().BeEmpty();
        _md.Cidrs.Should().Equal("10.244.1.0/24", "10.244.2.0/24");
    }

    [Test]
    public void FindContainer_ByStrippedContainerdId_HasNameStateAndPod()
    {
        var c = _md.FindContainer("2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c")!;

        c.Name.Should().Be("backend");
        c.State.Should().Be("Running");
        c.PodId.Should().Be("a7e4b2c1-5d6f-4e8a-b9c0-1d2e3f4a5b6c");
        c.StartTimeNs.Should().Be(DateTimeOffset.Parse("2026-11-30T09:15:43Z").ToUnixTimeMilliseconds() * 1_000_000);
    }

    [Test]
    public async Task Watch_PodDeletedAndEndpointsAdded_LookupsFollowTheCluster()
    {
        var before = _md.Generation;
        _api.Pods.Modify(BackendPod, p =>
        {
            p["status"]!["phase"] = "Failed";
            p["status"]!["reason"] = "Evicted";
            p["status"]!["message"] = "The node was low on resource: memory.";
        });
        _api.Endpoints.Add(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"frontend-canary","namespace":"default","uid":"e1"},
             "subsets":[{"addresses":[{"ip":"10.244.1.12","targetRef":{"kind":"Pod","name":"frontend-7d4b9c8f6d-x2x9k","namespace":"default","uid":"3f1c2a9e-8b7d-4c5e-9a1f-2d3e4f5a6b7c"}}]}]}
            """)!.AsObject());
        _api.Services.Add(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"frontend-canary","namespace":"default","uid":"s-canary"},"spec":{"clusterIP":"10.96.99.1","type":"ClusterIP"}}
            """)!.AsObject());
        await Eventually(() => _md.FindPodByName(FrontendPod)?.Services.Count == 2, "the second service of the frontend pod");
        _api.Pods.Delete(FrontendPod);
        await Eventually(() => _md.FindPodByName(FrontendPod) is null, "the deleted pod gone");

        _md.Generation.Should().BeGreaterThan(before);
        _md.FindPodByName(BackendPod)!.StatusJson.Should().Be(
            "{\"phase\":\"Failed\",\"message\":\"The node was low on resource: memory.\",\"reason\":\"Evicted\",\"ready\":true}");
        var p = _md.FindProcess(SleepUpid)!;
        p.Pod!.Name.Should().NotBe(FrontendPod, "without the pod in Kubernetes the local stand-in answers");
        p.Pod.Id.Should().Be(FrontendPodUid, "the stand-in still takes the pod UID from the cgroup path");
    }

    [TestCase("containerd://" + FrontendContainerId)]
    [TestCase("docker://" + FrontendContainerId)]
    [TestCase("cri-o://" + FrontendContainerId)]
    [TestCase(FrontendContainerId)]
    public void StripRuntimePrefix_AnyRuntime_LeavesThe64HexId(string statusId) =>
        KubernetesMetadataSnapshot.StripRuntimePrefix(statusId).Should().Be(FrontendContainerId);
}

/// <summary>Pods to services through EndpointSlices, against <see cref="FakeKubernetesApi"/> (no real cluster runs here).</summary>
[TestFixture]
public class KubernetesMetadataProviderEndpointSliceTests
{
    [Test]
    public async Task UseEndpointSlices_SliceLosesItsPod_ThePodLosesTheServiceAndEndpointsAreNeverRead()
    {
        await using var api = (await FakeKubernetesApi.StartAsync()).LoadAll();
        using var client = ApiClient(api);
        using var stop = new CancellationTokenSource();
        var informers = new ClusterInformers(client, Options(), useEndpointSlices: true);
        var run = informers.RunAsync(stop.Token);
        await informers.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        var md = new KubernetesMetadataProvider(informers, MetadataTestData.Provider());
        md.Rebuild();
        md.FindPodByName(FrontendPod)!.Services.Select(s => s.Name).Should().Equal("default/frontend");
        md.FindPodByName(BackendPod)!.Services.Select(s => s.Name).Should().Equal("default/backend");

        api.EndpointSlices.Modify("default/frontend-w9zt4", s => s["endpoints"] = new JsonArray());
        await Eventually(() => md.FindPodByName(FrontendPod)?.Services.Count == 0, "the frontend pod out of its service");
        await stop.CancelAsync();
        await run;

        api.RequestsTo("/api/v1/endpoints", watch: false).Should().BeEmpty();
        api.RequestsTo("/apis/discovery.k8s.io/v1/endpointslices", watch: true).Should().NotBeEmpty();
    }
}
