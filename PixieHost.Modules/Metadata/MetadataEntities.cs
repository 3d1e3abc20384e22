namespace PixieHost.Modules.Metadata;

/// <summary>One process of a node, identified by its UPID (asid, pid, start time).</summary>
/// <param name="Upid">The 128-bit UPID, laid out as <see cref="Pem.Upid"/>.</param>
/// <param name="Cmdline">/proc/PID/cmdline with NULs as spaces.</param>
/// <param name="ContainerId">The 64-hex container id from /proc/PID/cgroup, or "" for processes outside containers.</param>
/// <param name="ContainerName">The container's name where the runtime makes it readable, else the 12-character short id.</param>
/// <param name="Pod">The pod the process belongs to, or null.</param>
public sealed record ProcessMetadata(UInt128 Upid, uint Pid, ulong StartTimeTicks, string Cmdline, string ContainerId, string ContainerName, PodMetadata? Pod)
{
    public uint Asid => (uint)((ulong)(Upid >> 64) >> 32);
}

/// <summary>A pod: in Kubernetes a real pod; on a plain host a container or a group of plain processes (see README).</summary>
/// <param name="Id">A UUID string.</param>
/// <param name="Name">"&lt;namespace&gt;/&lt;name&gt;", as Pixie names pods.</param>
/// <param name="StartTimeNs">When the pod started, ns since the Unix epoch.</param>
/// <param name="Phase">Pixie's pod phase: Pending, Running, Succeeded, Failed or Unknown.</param>
/// <param name="Ip">The pod's own address, or "" when it shares the node's network.</param>
public sealed record PodMetadata(
    string Id,
    string Name,
    string Namespace,
    string NodeName,
    string Hostname,
    long StartTimeNs,
    string Phase,
    string Ip,
    IReadOnlyList<ServiceMetadata> Services)
{
    /// <summary>The deployment that owns the pod ("" outside Kubernetes), "&lt;namespace&gt;/&lt;name&gt;".</summary>
    public string DeploymentName { get; init; } = string.Empty;

    public string DeploymentId { get; init; } = string.Empty;

    /// <summary>The replica set that owns the pod ("" outside Kubernetes), "&lt;namespace&gt;/&lt;name&gt;".</summary>
    public string ReplicaSetName { get; init; } = string.Empty;

    public string ReplicaSetId { get; init; } = string.Empty;

    /// <summary>The pod's status message and reason (Kubernetes status.message/reason; "" on a plain host).</summary>
    public string Message { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    /// <summary>The Ready condition; null where there is none (a plain host): then Running means ready.</summary>
    public bool? Ready { get; init; }

    /// <summary>Pixie's pod status JSON: phase, message, reason and readiness.</summary>
    public string StatusJson =>
        $"{{\"phase\":\"{Phase}\",\"message\":{Quote(Message)},\"reason\":{Quote(Reason)},\"ready\":{((Ready ?? Phase == "Running") ? "true" : "false")}}}";

    internal static string Quote(string s) => s.Length == 0 ? "\"\"" : System.Text.Json.JsonSerializer.Serialize(s);
}

/// <summary>A service: in Kubernetes a real service; on a plain host a systemd unit, a container or a process name.</summary>
/// <param name="Id">A UUID string.</param>
/// <param name="Name">"&lt;namespace&gt;/&lt;name&gt;", as Pixie names services.</param>
public sealed record ServiceMetadata(string Id, string Name, string Namespace)
{
    /// <summary>The service's cluster IP ("" outside Kubernetes).</summary>
    public string ClusterIp { get; init; } = string.Empty;
}

/// <summary>A container of a pod.</summary>
/// <param name="Id">The 64-hex container id.</param>
/// <param name="StartTimeNs">When its first process seen started, ns since the Unix epoch.</param>
/// <param name="State">Pixie's container state: Running, Terminated, Waiting or Unknown.</param>
public sealed record ContainerMetadata(string Id, string Name, string PodId, long StartTimeNs, string State)
{
    public string Message { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    /// <summary>Pixie's container status JSON: state, message and reason.</summary>
    public string StatusJson => $"{{\"state\":\"{State}\",\"message\":{PodMetadata.Quote(Message)},\"reason\":{PodMetadata.Quote(Reason)}}}";
}
