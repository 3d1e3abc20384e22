namespace PixieHost.Modules.Metadata;

/// <summary>
/// What the metadata UDFs and <c>df.ctx[...]</c> read: process → container → pod → services, namespace and node.
/// The standalone host answers from /proc (<see cref="LocalMetadataProvider"/>); a Kubernetes-backed provider
/// (the metadata role) implements the same interface. Lookups are called once per distinct value per batch
/// and must not block: a provider answers from memory and returns null for what it does not know.
/// </summary>
public interface IMetadataProvider
{
    /// <summary>The node this provider describes (Pixie's node name; the hostname outside Kubernetes).</summary>
    string NodeName { get; }

    /// <summary>The host name of the node.</summary>
    string Hostname { get; }

    /// <summary>The name of the vizier (cluster) this node belongs to.</summary>
    string VizierName { get; }

    /// <summary>The id of the vizier, a UUID string.</summary>
    string VizierId { get; }

    /// <summary>The process behind <paramref name="upid"/>, or null when it is not a process of this node or unknown.</summary>
    ProcessMetadata? FindProcess(UInt128 upid);

    /// <summary>A pod by id (a UUID string).</summary>
    PodMetadata? FindPod(string podId);

    /// <summary>A pod by its "&lt;namespace&gt;/&lt;name&gt;" name.</summary>
    PodMetadata? FindPodByName(string podName);

    /// <summary>The pod that owns <paramref name="ip"/>; null for unknown addresses and for addresses of the node itself.</summary>
    PodMetadata? FindPodByIp(string ip);

    /// <summary>The service whose cluster IP is <paramref name="ip"/>; null outside Kubernetes.</summary>
    ServiceMetadata? FindServiceByIp(string ip) => null;

    /// <summary>A container by its 64-hex id.</summary>
    ContainerMetadata? FindContainer(string containerId);

    /// <summary>A container by name.</summary>
    ContainerMetadata? FindContainerByName(string containerName);

    /// <summary>A service by id.</summary>
    ServiceMetadata? FindService(string serviceId);

    /// <summary>A service by its "&lt;namespace&gt;/&lt;name&gt;" name.</summary>
    ServiceMetadata? FindServiceByName(string serviceName);

    /// <summary>
    /// The host name of each of <paramref name="ips"/> by reverse DNS, or the IP itself while unknown. One call per
    /// batch: a provider waits for all lookups together, for a bounded time.
    /// </summary>
    IReadOnlyList<string> ReverseLookup(IReadOnlyList<string> ips);

    /// <summary>The address ranges of pods and services on this cluster, as CIDR strings.</summary>
    IReadOnlyList<string> Cidrs { get; }
}
