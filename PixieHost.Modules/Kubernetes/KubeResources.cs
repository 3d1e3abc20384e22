using System.Text.Json.Serialization;

namespace PixieHost.Modules.Kubernetes;

/// <summary>A pod (v1).</summary>
public sealed class Pod : IKubeObject
{
    public ObjectMeta Metadata { get; set; } = new();

    public PodSpec Spec { get; set; } = new();

    public PodStatus Status { get; set; } = new();
}

public sealed class PodSpec
{
    public string NodeName { get; set; } = string.Empty;

    public bool HostNetwork { get; set; }
}

public sealed class PodStatus
{
    public string Phase { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    [JsonPropertyName("podIP")]
    public string PodIp { get; set; } = string.Empty;

    [JsonPropertyName("podIPs")]
    public List<IpEntry>? PodIps { get; set; }

    [JsonPropertyName("hostIP")]
    public string HostIp { get; set; } = string.Empty;

    public string QosClass { get; set; } = string.Empty;

    public DateTimeOffset? StartTime { get; set; }

    public List<PodCondition>? Conditions { get; set; }

    public List<ContainerStatus>? ContainerStatuses { get; set; }

    public List<ContainerStatus>? InitContainerStatuses { get; set; }
}

/// <summary>An entry of podIPs / hostIPs.</summary>
public sealed class IpEntry
{
    public string Ip { get; set; } = string.Empty;
}

public sealed class PodCondition
{
    public string Type { get; set; } = string.Empty;

    public string Status { get; set; } = string.Empty;
}

public sealed class ContainerStatus
{
    public string Name { get; set; } = string.Empty;

    /// <summary>"containerd://64hex", "docker://…", "cri-o://…"; empty while the container is not created.</summary>
    public string ContainerId { get; set; } = string.Empty;

    public bool Ready { get; set; }

    public ContainerState State { get; set; } = new();
}

/// <summary>One of running, waiting or terminated is set.</summary>
public sealed class ContainerState
{
    public ContainerStateDetail? Running { get; set; }

    public ContainerStateDetail? Waiting { get; set; }

    public ContainerStateDetail? Terminated { get; set; }
}

public sealed class ContainerStateDetail
{
    public string Reason { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;

    public DateTimeOffset? StartedAt { get; set; }
}

/// <summary>A service (v1).</summary>
public sealed class Service : IKubeObject
{
    public ObjectMeta Metadata { get; set; } = new();

    public ServiceSpec Spec { get; set; } = new();
}

public sealed class ServiceSpec
{
    public string Type { get; set; } = string.Empty;

    [JsonPropertyName("clusterIP")]
    public string ClusterIp { get; set; } = string.Empty;

    [JsonPropertyName("clusterIPs")]
    public List<string>? ClusterIps { get; set; }

    [JsonPropertyName("externalIPs")]
    public List<string>? ExternalIps { get; set; }

    public Dictionary<string, string>? Selector { get; set; }
}

/// <summary>The endpoints of a service (v1 Endpoints, same name as the service).</summary>
public sealed class Endpoints : IKubeObject
{
    public ObjectMeta Metadata { get; set; } = new();

    public List<EndpointSubset>? Subsets { get; set; }
}

public sealed class EndpointSubset
{
    public List<EndpointAddress>? Addresses { get; set; }

    public List<EndpointAddress>? NotReadyAddresses { get; set; }
}

public sealed class EndpointAddress
{
    public string Ip { get; set; } = string.Empty;

    public string? NodeName { get; set; }

    public ObjectReference? TargetRef { get; set; }
}

public sealed class ObjectReference
{
    public string Kind { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    [JsonPropertyName("namespace")]
    public string Namespace { get; set; } = string.Empty;

    public string Uid { get; set; } = string.Empty;
}

/// <summary>A namespace (v1).</summary>
public sealed class KubeNamespace : IKubeObject
{
    public ObjectMeta Metadata { get; set; } = new();
}

/// <summary>A node (v1).</summary>
public sealed class Node : IKubeObject
{
    public ObjectMeta Metadata { get; set; } = new();

    public NodeSpec Spec { get; set; } = new();

    public NodeStatus Status { get; set; } = new();
}

public sealed class NodeSpec
{
    [JsonPropertyName("podCIDR")]
    public string PodCidr { get; set; } = string.Empty;

    [JsonPropertyName("podCIDRs")]
    public List<string>? PodCidrs { get; set; }
}

public sealed class NodeStatus
{
    public List<NodeAddress>? Addresses { get; set; }
}

public sealed class NodeAddress
{
    /// <summary>InternalIP, ExternalIP, Hostname.</summary>
    public string Type { get; set; } = string.Empty;

    public string Address { get; set; } = string.Empty;
}

/// <summary>A replica set (apps/v1); its owner is usually a deployment.</summary>
public sealed class ReplicaSet : IKubeObject
{
    public ObjectMeta Metadata { get; set; } = new();
}

/// <summary>A deployment (apps/v1).</summary>
public sealed class Deployment : IKubeObject
{
    public ObjectMeta Metadata { get; set; } = new();
}

/// <summary>A slice of a service's endpoints (discovery.k8s.io/v1); its service is the label kubernetes.io/service-name.</summary>
public sealed class EndpointSlice : IKubeObject
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public ObjectMeta Metadata { get; set; } = new();

    public string AddressType { get; set; } = string.Empty;

    public List<SliceEndpoint>? Endpoints { get; set; }
}

public sealed class SliceEndpoint
{
    public List<string>? Addresses { get; set; }

    public string? NodeName { get; set; }

    public ObjectReference? TargetRef { get; set; }
}
