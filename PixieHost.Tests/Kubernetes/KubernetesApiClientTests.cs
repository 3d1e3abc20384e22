using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Kubernetes;
using static PixieHost.Tests.Kubernetes.KubeTestSupport;

namespace PixieHost.Tests.Kubernetes;

/// <summary>Get and server-side apply against <see cref="FakeKubernetesApi"/> (a stand-in; no real API server runs here).</summary>
[TestFixture]
public class KubernetesApiClientTests
{
    [Test]
    public async Task GetAsync_ExistingAndMissingObjects_ReturnTheObjectOrNull()
    {
        await using var api = (await FakeKubernetesApi.StartAsync()).LoadAll();
        using var client = ApiClient(api);

        var pod = await client.GetAsync<Pod>(KubeResource.Pods, "default", "frontend-7d4b9c8f6d-x2x9k", CancellationToken.None);
        var node = await client.GetAsync<Node>(KubeResource.Nodes, string.Empty, "node-2", CancellationToken.None);
        var missing = await client.GetAsync<Pod>(KubeResource.Pods, "default", "nope", CancellationToken.None);

        pod!.Metadata.Uid.Should().Be(FrontendPodUid);
        node!.Status.Addresses!.First().Address.Should().Be("172.18.0.4");
        missing.Should().BeNull();
        api.Requests.Select(r => r.Path).Should().Equal(
            "/api/v1/namespaces/default/pods/frontend-7d4b9c8f6d-x2x9k", "/api/v1/nodes/node-2", "/api/v1/namespaces/default/pods/nope");
    }

    [Test]
    public async Task ApplyAsync_NewThenChangedObject_CreatesThenUpdatesAndWatchersSeeBoth()
    {
        await using var api = (await FakeKubernetesApi.StartAsync()).LoadAll();
        using var client = ApiClient(api);
        using var stop = new CancellationTokenSource();
        var informer = new Informer<Service>(client, KubeResource.Services, Options());
        var run = informer.RunAsync(stop.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        var svc = new Service
        {
            Metadata = new ObjectMeta { Name = "vizier-query-broker", Namespace = "pl" },
            Spec = new ServiceSpec { Type = "ClusterIP", Selector = new() { ["name"] = "vizier-query-broker" } },
        };

        var created = await client.ApplyAsync(KubeResource.Services, "pl", svc.Metadata.Name, svc, "pixie-operator", force: true, CancellationToken.None);
        svc.Spec.Type = "NodePort";
        var updated = await client.ApplyAsync(KubeResource.Services, "pl", svc.Metadata.Name, svc, "pixie-operator", force: true, CancellationToken.None);
        await Eventually(() => informer.Cache.Get("pl/vizier-query-broker")?.Spec.Type == "NodePort", "the watch saw the update");
        await stop.CancelAsync();
        await run;

        created.Metadata.Uid.Should().NotBeEmpty();
        updated.Metadata.Uid.Should().Be(created.Metadata.Uid);
        long.Parse(updated.Metadata.ResourceVersion).Should().BeGreaterThan(long.Parse(created.Metadata.ResourceVersion));
        var patch = api.Requests.Last(r => r.Path == "/api/v1/namespaces/pl/services/vizier-query-broker");
        patch.Query["fieldManager"].Should().Be("pixie-operator");
        patch.Query["force"].Should().Be("true");
        api.LastApplyBody.Should().Be("{\"metadata\":{\"name\":\"vizier-query-broker\",\"namespace\":\"pl\"},\"spec\":{\"type\":\"NodePort\",\"selector\":{\"name\":\"vizier-query-broker\"}}}",
            "an apply claims only the fields it sets");
    }
}
