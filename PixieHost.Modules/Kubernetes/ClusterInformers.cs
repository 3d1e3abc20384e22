using Microsoft.Extensions.Logging;

namespace PixieHost.Modules.Kubernetes;

/// <summary>
/// The informers metadata needs, one per kind: pods (optionally only one node's), services, Endpoints or
/// EndpointSlices (one of the two), namespaces, nodes, replica sets and deployments. Run them together with
/// <see cref="RunAsync"/>.
/// </summary>
public sealed class ClusterInformers
{
    /// <param name="useEndpointSlices">Map pods to services through EndpointSlices (discovery.k8s.io/v1) instead of v1 Endpoints.</param>
    public ClusterInformers(KubernetesApiClient client, InformerOptions options, string podNodeName = "", ILoggerFactory? logs = null, TimeProvider? time = null, bool useEndpointSlices = false)
    {
        ILogger? Log(string kind) => logs?.CreateLogger($"PixieHost.Modules.Kubernetes.Informer.{kind}");
        var podOptions = podNodeName.Length == 0 ? options : new InformerOptions
        {
            FieldSelector = $"spec.nodeName={podNodeName}",
            PageSize = options.PageSize,
            WatchTimeoutSeconds = options.WatchTimeoutSeconds,
            ResyncSeconds = options.ResyncSeconds,
            InitialBackoff = options.InitialBackoff,
            MaxBackoff = options.MaxBackoff,
        };
        Pods = new(client, KubeResource.Pods, podOptions, Log("Pods"), time);
        Services = new(client, KubeResource.Services, options, Log("Services"), time);
        Endpoints = new(client, KubeResource.Endpoints, options, Log("Endpoints"), time);
        EndpointSlices = new(client, KubeResource.EndpointSlices, options, Log("EndpointSlices"), time);
        UseEndpointSlices = useEndpointSlices;
        Namespaces = new(client, KubeResource.Namespaces, options, Log("Namespaces"), time);
        Nodes = new(client, KubeResource.Nodes, options, Log("Nodes"), time);
        ReplicaSets = new(client, KubeResource.ReplicaSets, options, Log("ReplicaSets"), time);
        Deployments = new(client, KubeResource.Deployments, options, Log("Deployments"), time);
    }

    public Informer<Pod> Pods { get; }

    public Informer<Service> Services { get; }

    /// <summary>v1 Endpoints; not run when <see cref="UseEndpointSlices"/>.</summary>
    public Informer<Endpoints> Endpoints { get; }

    /// <summary>EndpointSlices; run only when <see cref="UseEndpointSlices"/>.</summary>
    public Informer<EndpointSlice> EndpointSlices { get; }

    public bool UseEndpointSlices { get; }

    public Informer<KubeNamespace> Namespaces { get; }

    public Informer<Node> Nodes { get; }

    public Informer<ReplicaSet> ReplicaSets { get; }

    public Informer<Deployment> Deployments { get; }

    /// <summary>Completes when every kind has been listed once.</summary>
    public Task Synced => Task.WhenAll(Pods.Synced, Services.Synced, UseEndpointSlices ? EndpointSlices.Synced : Endpoints.Synced,
        Namespaces.Synced, Nodes.Synced, ReplicaSets.Synced, Deployments.Synced);

    /// <summary>Runs every informer until <paramref name="ct"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(
        Pods.RunAsync(ct), Services.RunAsync(ct), UseEndpointSlices ? EndpointSlices.RunAsync(ct) : Endpoints.RunAsync(ct), Namespaces.RunAsync(ct),
        Nodes.RunAsync(ct), ReplicaSets.RunAsync(ct), Deployments.RunAsync(ct));
}
