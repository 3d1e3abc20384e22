namespace PixieHost.Modules.Metadata;

/// <summary>The container runtime a cgroup path names.</summary>
public enum ContainerRuntime
{
    None,
    Docker,
    Containerd,
    CriO,
    Podman,

    /// <summary>A container id without a runtime prefix (cgroupfs-driver kubelets).</summary>
    Unknown,
}

/// <summary>What /proc/PID/cgroup says about a process.</summary>
/// <param name="Path">The cgroup path used (the v2 path, or the v1 path that names a container or systemd's hierarchy).</param>
/// <param name="ContainerId">The 64-hex container id, or "".</param>
/// <param name="PodUid">The Kubernetes pod UID when the path is under kubepods, with dashes, or "".</param>
/// <param name="SystemdUnit">The deepest systemd service unit without ".service" (system.slice/nginx.service → nginx), or "".</param>
public readonly record struct CgroupInfo(string Path, string ContainerId, ContainerRuntime Runtime, string PodUid, string SystemdUnit)
{
    public bool InContainer => ContainerId.Length > 0;

    public bool InKubernetesPod => PodUid.Length > 0 || (InContainer && Path.Contains("kubepods", StringComparison.Ordinal));
}
