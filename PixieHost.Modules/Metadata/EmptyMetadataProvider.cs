namespace PixieHost.Modules.Metadata;

/// <summary>Knows nothing: every metadata function answers "" (the default when no provider is configured).</summary>
public sealed class EmptyMetadataProvider : IMetadataProvider
{
    public static EmptyMetadataProvider Instance { get; } = new();

    public string NodeName => string.Empty;

    public string Hostname => string.Empty;

    public string VizierName => string.Empty;

    public string VizierId => string.Empty;

    public IReadOnlyList<string> Cidrs => [];

    public ProcessMetadata? FindProcess(UInt128 upid) => null;

    public PodMetadata? FindPod(string podId) => null;

    public PodMetadata? FindPodByName(string podName) => null;

    public PodMetadata? FindPodByIp(string ip) => null;

    public ContainerMetadata? FindContainer(string containerId) => null;

    public ContainerMetadata? FindContainerByName(string containerName) => null;

    public ServiceMetadata? FindService(string serviceId) => null;

    public ServiceMetadata? FindServiceByName(string serviceName) => null;

    public IReadOnlyList<string> ReverseLookup(IReadOnlyList<string> ips) => ips;
}
