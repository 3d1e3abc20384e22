using System.Collections.Concurrent;
using PixieHost.Modules.Kubernetes;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// Metadata from the Kubernetes API: pods, services, containers, nodes and owners come from the informers'
/// caches; processes come from this node's /proc through the composed <see cref="LocalMetadataProvider"/> and
/// are joined to their pod by the container id of /proc/PID/cgroup (matched to <c>containerStatuses[].containerID</c>),
/// or failing that by the pod UID in the cgroup path. What Kubernetes does not know (host processes, containers
/// outside pods) keeps the local stand-ins, so ctx['service'] still names a systemd unit for the kubelet.
/// </summary>
public sealed class KubernetesMetadataProvider : IMetadataProvider
{
    private readonly ClusterInformers _k8s;
    private readonly LocalMetadataProvider _local;
    private readonly ConcurrentDictionary<UInt128, Mapped> _processes = new();
    private readonly TimeSpan _debounce;
    private readonly Lock _rebuildLock = new();
    private KubernetesMetadataSnapshot _snapshot = KubernetesMetadataSnapshot.Empty;
    private long _generation;
    private int _rebuildPending;

    /// <param name="k8s">The informers whose caches this provider reads (run by the caller).</param>
    /// <param name="local">This node's processes.</param>
    /// <param name="nodeName">This node's Kubernetes name (a pem's spec.nodeName); "": the local provider's.</param>
    /// <param name="debounce">How long a change waits for more before the lookup tables are rebuilt once. Default 50 ms.</param>
    public KubernetesMetadataProvider(ClusterInformers k8s, LocalMetadataProvider local, string nodeName = "", TimeSpan? debounce = null)
    {
        NodeName = nodeName.Length > 0 ? nodeName : local.NodeName;
        _k8s = k8s;
        _local = local;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(50);
        k8s.Pods.Cache.Changed += _ => ScheduleRebuild();
        k8s.Services.Cache.Changed += _ => ScheduleRebuild();
        k8s.Endpoints.Cache.Changed += _ => ScheduleRebuild();
        k8s.EndpointSlices.Cache.Changed += _ => ScheduleRebuild();
        k8s.Nodes.Cache.Changed += _ => ScheduleRebuild();
        k8s.ReplicaSets.Cache.Changed += _ => ScheduleRebuild();
        k8s.Deployments.Cache.Changed += _ => ScheduleRebuild();
    }

    /// <summary>Raised after the lookup tables were rebuilt from changed caches.</summary>
    public event Action<long>? Rebuilt;

    /// <summary>Why the last rebuild from a change failed (the previous tables stay in use), or null.</summary>
    public Exception? LastRebuildError { get; private set; }

    /// <summary>Increments on every rebuild of the lookup tables.</summary>
    public long Generation => Volatile.Read(ref _snapshot).Generation;

    public string NodeName { get; }

    public string Hostname => _local.Hostname;

    public string VizierName => _local.VizierName;

    public string VizierId => _local.VizierId;

    public IReadOnlyList<string> Cidrs => Snapshot.Cidrs is { Count: > 0 } c ? c : _local.Cidrs;

    private KubernetesMetadataSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public ProcessMetadata? FindProcess(UInt128 upid)
    {
        var local = _local.FindProcess(upid);
        if (local is null)
        {
            return null;
        }

        var s = Snapshot;
        if (_processes.TryGetValue(upid, out var m) && ReferenceEquals(m.Local, local) && m.Generation == s.Generation)
        {
            return m.Result;
        }

        var result = Join(local, s);
        _processes[upid] = new Mapped(local, s.Generation, result);
        return result;
    }

    public PodMetadata? FindPod(string podId) => Snapshot.PodsById.GetValueOrDefault(podId) ?? _local.FindPod(podId);

    public PodMetadata? FindPodByName(string podName) => Snapshot.PodsByName.GetValueOrDefault(podName) ?? _local.FindPodByName(podName);

    public PodMetadata? FindPodByIp(string ip) => Snapshot.PodsByIp.GetValueOrDefault(ip) ?? _local.FindPodByIp(ip);

    public ServiceMetadata? FindServiceByIp(string ip) => Snapshot.ServicesByIp.GetValueOrDefault(ip);

    public ContainerMetadata? FindContainer(string containerId) => Snapshot.ContainersById.GetValueOrDefault(containerId) ?? _local.FindContainer(containerId);

    public ContainerMetadata? FindContainerByName(string containerName) =>
        Snapshot.ContainersByName.GetValueOrDefault(containerName) ?? _local.FindContainerByName(containerName);

    public ServiceMetadata? FindService(string serviceId) => Snapshot.ServicesById.GetValueOrDefault(serviceId) ?? _local.FindService(serviceId);

    public ServiceMetadata? FindServiceByName(string serviceName) => Snapshot.ServicesByName.GetValueOrDefault(serviceName) ?? _local.FindServiceByName(serviceName);

    public IReadOnlyList<string> ReverseLookup(IReadOnlyList<string> ips) => _local.ReverseLookup(ips);

    /// <summary>Rebuilds the lookup tables from the caches now (the change notifications do it on their own).</summary>
    public void Rebuild()
    {
        KubernetesMetadataSnapshot s;
        lock (_rebuildLock)
        {
            s = KubernetesMetadataSnapshot.Build(_k8s, ++_generation);
            Volatile.Write(ref _snapshot, s);
        }

        if (_processes.Count > 4 * Math.Max(1024, _local.ProcessCount))
        {
            // Mappings of exited processes would otherwise pile up; they are cheap to redo.
            _processes.Clear();
        }

        Rebuilt?.Invoke(s.Generation);
    }

    /// <summary>The process's pod as Kubernetes knows it: by container id, else by the cgroup's pod UID; else the local answer.</summary>
    private static ProcessMetadata Join(ProcessMetadata local, KubernetesMetadataSnapshot s)
    {
        if (local.ContainerId.Length > 0 && s.ContainersById.TryGetValue(local.ContainerId, out var c) && s.PodsById.TryGetValue(c.PodId, out var pod))
        {
            return local with { Pod = pod, ContainerName = c.Name };
        }

        return local.Pod is { } p && s.PodsById.TryGetValue(p.Id, out var byUid) ? local with { Pod = byUid } : local;
    }

    private void ScheduleRebuild()
    {
        if (Interlocked.Exchange(ref _rebuildPending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(_debounce).ConfigureAwait(false);
            Volatile.Write(ref _rebuildPending, 0);
            try
            {
                Rebuild();
                LastRebuildError = null;
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                // An object shaped in a way the snapshot does not expect: keep answering from the last good tables.
                LastRebuildError = e;
            }
        });
    }

    private sealed record Mapped(ProcessMetadata Local, long Generation, ProcessMetadata Result);
}
