using System.Text.Json.Nodes;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Kubernetes;
using static PixieHost.Tests.Kubernetes.KubeTestSupport;

namespace PixieHost.Tests.Kubernetes;

/// <summary>
/// The informer's list/watch protocol against <see cref="FakeKubernetesApi"/>, which stands in for a real API
/// server (Kubernetes cannot run on this machine) and serves recorded object JSON.
/// </summary>
[TestFixture]
public class InformerTests
{
    private FakeKubernetesApi _api = null!;
    private KubernetesApiClient _client = null!;
    private CancellationTokenSource _stop = null!;
    private Task _run = Task.CompletedTask;

    [SetUp]
    public async Task SetUp()
    {
        _api = (await FakeKubernetesApi.StartAsync()).LoadAll();
        _client = ApiClient(_api);
        _stop = new CancellationTokenSource();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        _client.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<Informer<Pod>> StartPods(InformerOptions? options = null)
    {
        var informer = new Informer<Pod>(_client, KubeResource.Pods, options ?? Options());
        _run = informer.RunAsync(_stop.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually(() => _api.Pods.OpenWatches == 1, "the watch is open");
        return informer;
    }

    private static JsonObject NewPod(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["uid"] = Guid.NewGuid().ToString() },
        ["spec"] = new JsonObject { ["nodeName"] = "node-1" },
        ["status"] = new JsonObject { ["phase"] = "Pending" },
    };

    [Test]
    public async Task RunAsync_InitialPagedList_PopulatesCacheWithRecordedPods()
    {
        var informer = await StartPods();

        informer.Cache.Count.Should().Be(3);
        var pod = informer.Cache.Get(FrontendPod)!;
        pod.Metadata.Uid.Should().Be(FrontendPodUid);
        pod.Spec.NodeName.Should().Be("node-1");
        pod.Status.PodIp.Should().Be("10.244.1.12");
        pod.Status.ContainerStatuses!.Select(c => c.ContainerId).Should().Contain("containerd://" + FrontendContainerId);
        pod.Metadata.OwnerReferences!.Single().Kind.Should().Be("ReplicaSet");
        var lists = _api.RequestsTo("/api/v1/pods", watch: false);
        lists.Should().HaveCount(2, "3 pods in pages of 2");
        lists[1].Query.Should().ContainKey("continue");
        informer.ResourceVersion.Should().Be(_api.RequestsTo("/api/v1/pods", watch: true).Single().Query["resourceVersion"]);
    }

    [Test]
    public async Task RunAsync_WatchEvents_AddModifyAndDeleteUpdateTheCache()
    {
        var informer = await StartPods();
        var changes = new List<CacheChange<Pod>>();
        informer.Cache.Changed += c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }
        };

        _api.Pods.Add(NewPod("added-1"));
        var modifiedRv = _api.Pods.Modify(BackendPod, p => p["status"]!["phase"] = "Failed");
        await Eventually(() => informer.Cache.Get(BackendPod)?.Status.Phase == "Failed", "MODIFIED applied");
        var deletedRv = _api.Pods.Delete(FrontendPod);
        await Eventually(() => informer.Cache.Get(FrontendPod) is null, "DELETED applied");

        informer.Cache.Get("default/added-1").Should().NotBeNull();
        informer.Cache.Get(BackendPod)!.Metadata.ResourceVersion.Should().Be(modifiedRv.ToString());
        informer.ResourceVersion.Should().Be(deletedRv.ToString());
        lock (changes)
        {
            changes.Select(c => c.Type).Should().Equal(CacheChangeType.Added, CacheChangeType.Modified, CacheChangeType.Deleted);
            changes[1].Old!.Status.Phase.Should().Be("Running");
        }

        informer.Lists.Should().Be(1);
    }

    [Test]
    public async Task RunAsync_Bookmark_AdvancesTheResourceVersionTheNextWatchStartsFrom()
    {
        var informer = await StartPods();
        _api.Services.Add(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other", ["namespace"] = "default", ["uid"] = "u-1" } });

        var bookmarkRv = _api.Pods.Bookmark();
        await Eventually(() => informer.ResourceVersion == bookmarkRv.ToString(), "the bookmark's version adopted");
        _api.Pods.CloseWatches();
        await Eventually(() => _api.RequestsTo("/api/v1/pods", watch: true).Count == 2, "a second watch");

        var second = _api.RequestsTo("/api/v1/pods", watch: true)[1];
        second.Query["resourceVersion"].Should().Be(bookmarkRv.ToString());
        second.Query["allowWatchBookmarks"].Should().Be("true");
        informer.Lists.Should().Be(1, "a bookmark never needs a relist");
    }

    [Test]
    public async Task RunAsync_ServerEndsTheWatch_RewatchesFromTheLastVersionWithoutRelisting()
    {
        var informer = await StartPods();
        var rv = _api.Pods.Add(NewPod("before-close"));
        await Eventually(() => informer.ResourceVersion == rv.ToString(), "the ADDED seen");

        _api.Pods.CloseWatches();
        await Eventually(() => _api.Pods.OpenWatches == 1 && informer.Watches == 2, "watching again");
        _api.Pods.Add(NewPod("after-close"));
        await Eventually(() => informer.Cache.Get("default/after-close") is not null, "events of the new watch applied");

        _api.RequestsTo("/api/v1/pods", watch: true)[1].Query["resourceVersion"].Should().Be(rv.ToString());
        _api.RequestsTo("/api/v1/pods", watch: false).Should().HaveCount(2, "only the first list's two pages");
        informer.Lists.Should().Be(1);
    }

    [Test]
    public async Task RunAsync_Gone410ErrorEvent_RelistsAndDropsWhatWasDeletedMeanwhile()
    {
        var informer = await StartPods();
        var deleted = new List<string>();
        informer.Cache.Changed += c =>
        {
            if (c.Type == CacheChangeType.Deleted)
            {
                lock (deleted)
                {
                    deleted.Add(c.Object.Metadata.Name);
                }
            }
        };
        // Stop the watcher from seeing the delete: expire it first, then delete while it relists or re-watches.
        _api.Pods.ExpireWatches();
        _api.Pods.Delete(BackendPod);

        await Eventually(() => informer.Lists == 2, "a relist after the ERROR 410 event");
        await Eventually(() => informer.Cache.Get(BackendPod) is null, "the deleted pod gone");
        informer.Cache.Count.Should().Be(2);
        lock (deleted)
        {
            deleted.Should().Equal("backend-5f6d8b7c9-q8w7e");
        }
    }

    [Test]
    public async Task RunAsync_WatchFromCompactedVersionGetsHttp410_Relists()
    {
        _api.GoneAsHttpStatus = true;
        var informer = await StartPods();
        _api.Services.Add(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "later", ["namespace"] = "default", ["uid"] = "u-2" } });
        _api.Pods.Compact();
        _api.Pods.CloseWatches();

        await Eventually(() => informer.Lists == 2 && _api.Pods.OpenWatches == 1, "relisted and watching again");

        _api.RequestsTo("/api/v1/pods", watch: false).Should().HaveCount(4, "two lists of two pages");
        var watches = _api.RequestsTo("/api/v1/pods", watch: true);
        watches.Last().Query["resourceVersion"].Should().Be(informer.ResourceVersion);
        long.Parse(watches.Last().Query["resourceVersion"]).Should().BeGreaterThanOrEqualTo(_api.Pods.CompactedRv);
    }

    [Test]
    public async Task RunAsync_FieldSelector_ListsAndWatchesOnlyThatNodesPods()
    {
        var informer = await StartPods(Options("spec.nodeName=node-2"));
        _api.Pods.Add(NewPod("on-node-1"));
        var other = NewPod("on-node-2");
        other["spec"]!["nodeName"] = "node-2";
        _api.Pods.Add(other);
        await Eventually(() => informer.Cache.Get("default/on-node-2") is not null, "node-2's new pod");

        informer.Cache.Items.Select(p => p.Metadata.Name).Should().BeEquivalentTo("backend-5f6d8b7c9-q8w7e", "on-node-2");
        _api.Requests.Should().OnlyContain(r => r.Query["fieldSelector"] == "spec.nodeName=node-2");
    }

    [Test]
    public async Task RunAsync_Unauthorized_BacksOffAndRetriesUntilTheServerAccepts()
    {
        _api.RequiredToken = "right";
        using var client = ApiClient(_api, "wrong");
        var informer = new Informer<Pod>(client, KubeResource.Pods, Options());
        _run = informer.RunAsync(_stop.Token);
        await Eventually(() => _api.Requests.Count >= 3, "several attempts");
        informer.Synced.IsCompleted.Should().BeFalse();

        _api.RequiredToken = "wrong";
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));

        await _stop.CancelAsync();
        await _run;

        informer.Cache.Count.Should().Be(3);
        _api.Requests.Should().OnlyContain(r => r.Authorization == "Bearer wrong");
    }

    [Test]
    public async Task RunAsync_ApiServerNotUpYet_RetriesConnectionsUntilItListens()
    {
        var port = Support.RpcTestHost.FreePort();
        using var client = new KubernetesApiClient(new KubernetesClientConfig { Server = new Uri($"http://localhost:{port}") });
        var informer = new Informer<Pod>(client, KubeResource.Pods, Options());
        _run = informer.RunAsync(_stop.Token);
        await Task.Delay(300);
        informer.Synced.IsCompleted.Should().BeFalse("nothing listens yet: connections are refused");

        await using var late = (await FakeKubernetesApi.StartAsync(port: port)).LoadAll();
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        await _stop.CancelAsync();
        await _run;

        informer.Cache.Count.Should().Be(3);
    }

    [Test]
    public async Task ListPageAsync_ContinueTokenExpiredMidList_Throws410Gone()
    {
        var first = await _client.ListPageAsync<Pod>(KubeResource.Pods, 2, null, null, CancellationToken.None);
        _api.ExpireContinueTokens();

        var act = () => _client.ListPageAsync<Pod>(KubeResource.Pods, 2, first.Metadata.Continue, null, CancellationToken.None);

        first.Metadata.RemainingItemCount.Should().Be(1);
        (await act.Should().ThrowAsync<KubeApiException>()).Which.IsGone.Should().BeTrue();
    }
}
