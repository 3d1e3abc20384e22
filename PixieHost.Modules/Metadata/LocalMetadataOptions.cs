using System.ComponentModel.DataAnnotations;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// Metadata of a plain host, outside Kubernetes (configuration section <c>Metadata</c>). Containers stand for
/// pods and services; plain processes are grouped by systemd unit (or process name) into a pod and a service
/// of <see cref="HostNamespace"/>.
/// </summary>
public sealed class LocalMetadataOptions
{
    public const string Section = "Metadata";

    /// <summary>The node name every process reports. Default "": the host name.</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>The vizier name px.vizier_name() answers. Default "": the node name.</summary>
    public string VizierName { get; set; } = string.Empty;

    /// <summary>The namespace of pods and services that stand for containers. Default "default".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Metadata:ContainerNamespace is empty. Set it to a namespace name such as 'default'.")]
    public string ContainerNamespace { get; set; } = "default";

    /// <summary>The namespace of pods and services that stand for plain (not containerized) processes. Default "host".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Metadata:HostNamespace is empty. Set it to a namespace name such as 'host'.")]
    public string HostNamespace { get; set; } = "host";

    /// <summary>How long a process lookup is trusted before /proc is read again, in milliseconds. Default 30000.</summary>
    [Range(100, 3_600_000)]
    public int CacheTtlMs { get; set; } = 30_000;

    /// <summary>How long the metadata of an exited process is kept for queries over its rows, in seconds. Default 900.</summary>
    [Range(1, 86_400)]
    public int ExitedProcessRetentionSeconds { get; set; } = 900;

    /// <summary>
    /// How often the background scan of /proc records new processes (so short-lived ones still resolve after
    /// they exit), in milliseconds; 0 turns the scan off and processes are read on first lookup only. Default 5000.
    /// </summary>
    [Range(0, 3_600_000)]
    public int RefreshIntervalMs { get; set; } = 5_000;

    /// <summary>
    /// The most one batch waits for reverse DNS in px.nslookup, in milliseconds. Names not resolved by then answer
    /// the IP itself and are filled in by later batches. Default 50.
    /// </summary>
    [Range(0, 5_000)]
    public int NslookupWaitMs { get; set; } = 50;

    /// <summary>How long a reverse DNS answer (or failure) is cached, in seconds. Default 300.</summary>
    [Range(1, 86_400)]
    public int NslookupCacheSeconds { get; set; } = 300;
}
