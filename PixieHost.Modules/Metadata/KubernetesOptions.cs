using System.ComponentModel.DataAnnotations;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// Metadata from the Kubernetes API (configuration section <c>Kubernetes</c>): pods, services, namespaces,
/// nodes and deployments for <c>df.ctx[...]</c> and the metadata functions. Processes are still read from
/// /proc and joined to their pods by container id.
/// </summary>
public sealed class KubernetesOptions
{
    public const string Section = "Kubernetes";

    /// <summary>
    /// "auto" (default): on when running in a pod (KUBERNETES_SERVICE_HOST and the service account token are
    /// present) or when <see cref="Kubeconfig"/> is set; "true": on (fails at start when neither is available);
    /// "false": off, the host's own metadata answers.
    /// </summary>
    [RegularExpression("^(?i)(auto|true|false)$", ErrorMessage = "Kubernetes:Enabled must be auto, true or false.")]
    public string Enabled { get; set; } = "auto";

    /// <summary>
    /// A kubeconfig file to use instead of the in-cluster service account, e.g. ~/.kube/config. Default "": the
    /// service account when in a pod, else $KUBECONFIG or ~/.kube/config when <see cref="Enabled"/> is "true".
    /// </summary>
    public string Kubeconfig { get; set; } = string.Empty;

    /// <summary>The kubeconfig context to use. Default "": its current-context.</summary>
    public string Context { get; set; } = string.Empty;

    /// <summary>
    /// Watch only the pods of this node (a pem sets its own node name, e.g. from the downward API's
    /// spec.nodeName). Default "": every pod of the cluster (kelvin, query broker, metadata).
    /// </summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>
    /// Map pods to services through EndpointSlices (discovery.k8s.io/v1, Kubernetes 1.21+) instead of v1
    /// Endpoints (deprecated since 1.33, still served). Default false: Endpoints, as Pixie reads them.
    /// </summary>
    public bool UseEndpointSlices { get; set; }

    /// <summary>A full relist of every kind every this many seconds, besides the watches; 0 never. Default 0.</summary>
    [Range(0, 86_400)]
    public int ResyncSeconds { get; set; }

    /// <summary>How long the API server keeps one watch open before the client re-watches, in seconds (randomised up to twice this). Default 300.</summary>
    [Range(1, 3_600)]
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>Objects per list page. Default 500.</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>The first pause after a failed list or watch, in milliseconds, doubled up to <see cref="MaxBackoffMs"/>. Default 1000.</summary>
    [Range(1, 600_000)]
    public int InitialBackoffMs { get; set; } = 1_000;

    /// <summary>The longest pause between retries, in milliseconds. Default 30000.</summary>
    [Range(1, 600_000)]
    public int MaxBackoffMs { get; set; } = 30_000;

    /// <summary>How long the first /proc-to-pod lookups may wait at start for the first lists, in milliseconds; 0 does not wait. Default 10000.</summary>
    [Range(0, 600_000)]
    public int InitialSyncWaitMs { get; set; } = 10_000;

    /// <summary>Whether this configuration turns Kubernetes metadata on, given whether the process runs in a pod.</summary>
    public bool IsEnabled(bool inCluster) => Enabled.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => inCluster || Kubeconfig.Length > 0,
    };

    internal Kubernetes.InformerOptions ToInformerOptions() => new()
    {
        PageSize = PageSize,
        WatchTimeoutSeconds = WatchTimeoutSeconds,
        ResyncSeconds = ResyncSeconds,
        InitialBackoff = TimeSpan.FromMilliseconds(InitialBackoffMs),
        MaxBackoff = TimeSpan.FromMilliseconds(MaxBackoffMs),
    };
}
