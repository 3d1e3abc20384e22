using PixieHost.Modules.Metadata;

namespace PixieHost.Tests.Support;

/// <summary>
/// Metadata from a fixed list of processes and their pods, for tables of synthetic UPIDs that no /proc knows
/// (Kubernetes cannot run here; the real providers are tested against /proc in Metadata/).
/// </summary>
public sealed class StaticMetadataProvider(string node, IReadOnlyList<ProcessMetadata> processes) : IMetadataProvider
{
    private readonly Dictionary<UInt128, ProcessMetadata> _byUpid = processes.ToDictionary(p => p.Upid);
    private readonly PodMetadata[] _pods = processes.Select(p => p.Pod).OfType<PodMetadata>().DistinctBy(p => p.Id).ToArray();

    public string NodeName => node;

    public string Hostname => node;

    public string VizierName => "test-vizier";

    public string VizierId => "00000000-0000-0000-0000-000000000001";

    public IReadOnlyList<string> Cidrs => [];

    public ProcessMetadata? FindProcess(UInt128 upid) => _byUpid.GetValueOrDefault(upid);

    public PodMetadata? FindPod(string podId) => _pods.FirstOrDefault(p => p.Id == podId);

    public PodMetadata? FindPodByName(string podName) => _pods.FirstOrDefault(p => p.Name == podName);

    public PodMetadata? FindPodByIp(string ip) => ip.Length == 0 ? null : _pods.FirstOrDefault(p => p.Ip == ip);

    public ContainerMetadata? FindContainer(string containerId) => null;

    public ContainerMetadata? FindContainerByName(string containerName) => null;

    public ServiceMetadata? FindService(string serviceId) => _pods.SelectMany(p => p.Services).FirstOrDefault(s => s.Id == serviceId);

    public ServiceMetadata? FindServiceByName(string serviceName) => _pods.SelectMany(p => p.Services).FirstOrDefault(s => s.Name == serviceName);

    public IReadOnlyList<string> ReverseLookup(IReadOnlyList<string> ips) => ips;
}
