using System.Collections.Concurrent;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.ProcessStats;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// Metadata of this host from /proc, for standalone mode (see <see cref="LocalMetadataOptions"/> for the
/// stand-ins). A process is read on its first lookup (or by <see cref="Scan"/>) and trusted for the cache TTL;
/// reads are lock-free dictionary lookups. Processes that exit keep their metadata for the retention period so
/// queries over their rows still resolve.
/// </summary>
public sealed partial class LocalMetadataProvider : IMetadataProvider
{
    private readonly ConcurrentDictionary<UInt128, ProcessEntry> _processes = new();
    private readonly ConcurrentDictionary<string, PodMetadata> _podsById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PodMetadata> _podsByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PodMetadata> _podsByIp = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ContainerMetadata> _containersById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ContainerMetadata> _containersByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServiceMetadata> _servicesById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ServiceMetadata> _servicesByName = new(StringComparer.Ordinal);
    private readonly LocalMetadataOptions _options;
    private readonly uint _asid;
    private readonly TimeProvider _time;
    private readonly ProcReader _proc;
    private readonly ContainerNames _containerNames;
    private readonly ReverseDnsCache _dns;
    private readonly HostAddresses _addresses;
    private readonly long _bootTimeNs;
    private readonly string _hostNetNamespace;
    private long _lastSweepMs;

    /// <param name="options">Namespaces, TTLs and names.</param>
    /// <param name="asid">This node's agent short id: UPIDs with another asid belong to other nodes.</param>
    /// <param name="time">The clock for cache expiry; default: the system clock.</param>
    /// <param name="proc">Where /proc is; default: this host's.</param>
    /// <param name="dns">Reverse DNS for nslookup; default: the system resolver.</param>
    public LocalMetadataProvider(LocalMetadataOptions options, uint asid = 0, TimeProvider? time = null, ProcFs? proc = null, ReverseDnsCache? dns = null)
    {
        _options = options;
        _asid = asid;
        _time = time ?? TimeProvider.System;
        _proc = new ProcReader(proc ?? ProcFs.Default);
        _containerNames = new ContainerNames();
        _dns = dns ?? new ReverseDnsCache(TimeSpan.FromSeconds(options.NslookupCacheSeconds), _time);
        _addresses = HostAddresses.Read();
        _bootTimeNs = _proc.BootTimeNs();
        _hostNetNamespace = _proc.NetNamespace(Environment.ProcessId);
        Hostname = System.Net.Dns.GetHostName();
        NodeName = options.NodeName.Length > 0 ? options.NodeName : Hostname;
        VizierName = options.VizierName.Length > 0 ? options.VizierName : NodeName;
        VizierId = MetadataIds.FromName("vizier", VizierName);
        _lastSweepMs = NowMs();
    }

    public string NodeName { get; }

    public string Hostname { get; }

    public string VizierName { get; }

    public string VizierId { get; }

    public IReadOnlyList<string> Cidrs => _addresses.Cidrs;

    /// <summary>Processes currently known (alive or within retention).</summary>
    public int ProcessCount => _processes.Count;

    public ProcessMetadata? FindProcess(UInt128 upid)
    {
        var now = NowMs();
        if (_processes.TryGetValue(upid, out var e) && (e.Exited || now - e.CheckedAtMs < _options.CacheTtlMs))
        {
            return e.Metadata;
        }

        return Load(upid, e, now).Metadata;
    }

    public PodMetadata? FindPod(string podId) => _podsById.GetValueOrDefault(podId);

    public PodMetadata? FindPodByName(string podName) => _podsByName.GetValueOrDefault(podName);

    public PodMetadata? FindPodByIp(string ip) => _addresses.IsLocal(ip) ? null : _podsByIp.GetValueOrDefault(ip);

    public ContainerMetadata? FindContainer(string containerId) => _containersById.GetValueOrDefault(containerId);

    public ContainerMetadata? FindContainerByName(string containerName) => _containersByName.GetValueOrDefault(containerName);

    public ServiceMetadata? FindService(string serviceId) => _servicesById.GetValueOrDefault(serviceId);

    public ServiceMetadata? FindServiceByName(string serviceName) => _servicesByName.GetValueOrDefault(serviceName);

    public IReadOnlyList<string> ReverseLookup(IReadOnlyList<string> ips) =>
        _dns.Lookup(ips, _time.GetUtcNow() + TimeSpan.FromMilliseconds(_options.NslookupWaitMs));

    /// <summary>
    /// Reads every process of /proc not yet known, marks vanished ones exited and drops those past retention.
    /// Returns the number of processes newly recorded.
    /// </summary>
    public int Scan()
    {
        var now = NowMs();
        var alive = new HashSet<UInt128>();
        var added = 0;
        foreach (var pid in _proc.Proc.Pids())
        {
            if (_proc.Proc.StartTimeTicks(pid) is not { } ticks)
            {
                continue;
            }

            var upid = new Upid(_asid, (uint)pid, ticks).Value;
            alive.Add(upid);
            if (!_processes.TryGetValue(upid, out var e) || e.Metadata is null)
            {
                added += Load(upid, e, now).Metadata is null ? 0 : 1;
            }
        }

        foreach (var (upid, e) in _processes)
        {
            if (e.Metadata is not null && !e.Exited && !alive.Contains(upid))
            {
                _processes[upid] = e with { Exited = true, CheckedAtMs = now };
            }
        }

        Sweep(now);
        return added;
    }

    private ProcessEntry Load(UInt128 upid, ProcessEntry? previous, long now)
    {
        var u = Upid.From(upid);
        ProcessEntry entry;
        if (u.Asid != _asid || _proc.Proc.StartTimeTicks((int)u.Pid) != u.StartTimeTicks)
        {
            // Gone (or another node's): keep what we knew as exited, else remember the miss for one TTL.
            entry = previous?.Metadata is { } known ? new ProcessEntry(known, now, true) : new ProcessEntry(null, now, false);
        }
        else
        {
            entry = new ProcessEntry(Describe(upid, u), now, false);
        }

        _processes[upid] = entry;
        if (now - _lastSweepMs > _options.ExitedProcessRetentionSeconds * 1000L)
        {
            Sweep(now);
        }

        return entry;
    }

    private void Sweep(long now)
    {
        _lastSweepMs = now;
        var retentionMs = _options.ExitedProcessRetentionSeconds * 1000L;
        foreach (var (upid, e) in _processes)
        {
            if ((e.Exited && now - e.CheckedAtMs > retentionMs) || (e.Metadata is null && now - e.CheckedAtMs > _options.CacheTtlMs))
            {
                _processes.TryRemove(upid, out _);
            }
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed record ProcessEntry(ProcessMetadata? Metadata, long CheckedAtMs, bool Exited);
}
