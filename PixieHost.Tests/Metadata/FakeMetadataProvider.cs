using PixieHost.Modules.Metadata;

namespace PixieHost.Tests.Metadata;

/// <summary>An in-memory provider that counts lookups, for kernel and function tests.</summary>
public sealed class FakeMetadataProvider : IMetadataProvider
{
    public Dictionary<UInt128, ProcessMetadata> Processes { get; } = [];

    public Dictionary<string, PodMetadata> Pods { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PodMetadata> PodsByIp { get; } = new(StringComparer.Ordinal);

    public List<ServiceMetadata> Services { get; } = [];

    public int ProcessLookups { get; private set; }

    public int PodLookups { get; private set; }

    public string NodeName => "node-1";

    public string Hostname => "host-1";

    public string VizierName => "vz";

    public string VizierId => "00000000-0000-0000-0000-000000000001";

    public IReadOnlyList<string> Cidrs => ["10.0.0.0/24"];

    public ProcessMetadata? FindProcess(UInt128 upid)
    {
        ProcessLookups++;
        return Processes.GetValueOrDefault(upid);
    }

    public PodMetadata? FindPod(string podId)
    {
        PodLookups++;
        return Pods.Values.FirstOrDefault(p => p.Id == podId);
    }

    public PodMetadata? FindPodByName(string podName) => Pods.GetValueOrDefault(podName);

    public PodMetadata? FindPodByIp(string ip) => PodsByIp.GetValueOrDefault(ip);

    public Dictionary<string, ContainerMetadata> Containers { get; } = new(StringComparer.Ordinal);

    public ContainerMetadata? FindContainer(string containerId) => Containers.GetValueOrDefault(containerId);

    public ContainerMetadata? FindContainerByName(string containerName) => Containers.Values.FirstOrDefault(c => c.Name == containerName);

    public ServiceMetadata? FindService(string serviceId) => Services.FirstOrDefault(s => s.Id == serviceId);

    public ServiceMetadata? FindServiceByName(string serviceName) => Services.FirstOrDefault(s => s.Name == serviceName);

    public IReadOnlyList<string> ReverseLookup(IReadOnlyList<string> ips) => ips.Select(ip => ip == "10.0.0.9" ? "db.internal" : ip).ToArray();

    /// <summary>A pod "ns/name" with the given services, registered by name.</summary>
    public PodMetadata AddPod(string id, string ns, string name, long startNs, params string[] services)
    {
        var svcs = services.Select(s => new ServiceMetadata("svc-" + s, $"{ns}/{s}", ns)).ToArray();
        Services.AddRange(svcs);
        var pod = new PodMetadata(id, $"{ns}/{name}", ns, NodeName, Hostname, startNs, "Running", string.Empty, svcs);
        Pods[pod.Name] = pod;
        return pod;
    }
}
