namespace PixieHost.Modules.Kubernetes;

/// <summary>Where a resource kind lives on the API server: its group/version prefix and plural name.</summary>
/// <param name="Prefix">"/api/v1" for the core group, "/apis/apps/v1" for apps.</param>
/// <param name="Plural">The plural resource name of the URL ("pods").</param>
public sealed record KubeResource(string Prefix, string Plural)
{
    public static readonly KubeResource Pods = new("/api/v1", "pods");
    public static readonly KubeResource Services = new("/api/v1", "services");
    public static readonly KubeResource Endpoints = new("/api/v1", "endpoints");
    public static readonly KubeResource Namespaces = new("/api/v1", "namespaces");
    public static readonly KubeResource Nodes = new("/api/v1", "nodes");
    public static readonly KubeResource ReplicaSets = new("/apis/apps/v1", "replicasets");
    public static readonly KubeResource Deployments = new("/apis/apps/v1", "deployments");
    public static readonly KubeResource EndpointSlices = new("/apis/discovery.k8s.io/v1", "endpointslices");

    /// <summary>The collection path across all namespaces ("/api/v1/pods").</summary>
    public string Path => $"{Prefix}/{Plural}";

    /// <summary>The path of one object: "/api/v1/namespaces/NS/pods/NAME", or "/api/v1/nodes/NAME" for cluster-scoped kinds (empty <paramref name="ns"/>).</summary>
    public string ObjectPath(string ns, string name) =>
        ns.Length == 0 ? $"{Prefix}/{Plural}/{Uri.EscapeDataString(name)}" : $"{Prefix}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}/{Uri.EscapeDataString(name)}";
}
