using PixieHost.Modules.Kubernetes;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// The Kubernetes caches joined into the metadata records lookups return: pods with their services (from
/// Endpoints or EndpointSlices, else the service's selector) and owners (replica set → deployment), containers by id, pods by IP,
/// services by cluster IP. Built off the lookup path whenever the caches change; read without locks.
/// </summary>
internal sealed class KubernetesMetadataSnapshot
{
    public static readonly KubernetesMetadataSnapshot Empty = new(0);

    private KubernetesMetadataSnapshot(long generation)
    {
        Generation = generation;
    }

    public long Generation { get; }

    public Dictionary<string, PodMetadata> PodsById { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PodMetadata> PodsByName { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PodMetadata> PodsByIp { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ContainerMetadata> ContainersById { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ContainerMetadata> ContainersByName { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ServiceMetadata> ServicesById { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ServiceMetadata> ServicesByName { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ServiceMetadata> ServicesByIp { get; } = new(StringComparer.Ordinal);

    public List<string> Cidrs { get; } = [];

    /// <summary>The 64-hex id of "containerd://ID", "docker://ID" or "cri-o://ID" (and a bare id as is).</summary>
    public static string StripRuntimePrefix(string containerId)
    {
        var at = containerId.IndexOf("://", StringComparison.Ordinal);
        return at < 0 ? containerId : containerId[(at + 3)..];
    }

    public static KubernetesMetadataSnapshot Build(ClusterInformers k8s, long generation)
    {
        var s = new KubernetesMetadataSnapshot(generation);
        var nodeHostnames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in k8s.Nodes.Cache.Items)
        {
            nodeHostnames[node.Metadata.Name] = node.Status.Addresses?.FirstOrDefault(a => a.Type == "Hostname")?.Address ?? node.Metadata.Name;
            foreach (var cidr in node.Spec.PodCidrs is { Count: > 0 } list ? list : node.Spec.PodCidr.Length > 0 ? [node.Spec.PodCidr] : [])
            {
                if (!s.Cidrs.Contains(cidr))
                {
                    s.Cidrs.Add(cidr);
                }
            }
        }

        var services = k8s.Services.Cache.Items;
        foreach (var svc in services)
        {
            var md = new ServiceMetadata(svc.Metadata.Uid, svc.Metadata.Key, svc.Metadata.Namespace) { ClusterIp = svc.Spec.ClusterIp == "None" ? string.Empty : svc.Spec.ClusterIp };
            s.ServicesById[md.Id] = md;
            s.ServicesByName[md.Name] = md;
            foreach (var ip in (svc.Spec.ClusterIps ?? [svc.Spec.ClusterIp]).Concat(svc.Spec.ExternalIps ?? []))
            {
                if (ip.Length > 0 && ip != "None")
                {
                    s.ServicesByIp[ip] = md;
                }
            }
        }

        var podServices = ServicesOfPods(k8s, services, s.ServicesByName);
        foreach (var pod in k8s.Pods.Cache.Items)
        {
            var md = Describe(k8s, pod, podServices.GetValueOrDefault(pod.Metadata.Uid) ?? [], nodeHostnames);
            s.PodsById[md.Id] = md;
            s.PodsByName[md.Name] = md;
            if (!pod.Spec.HostNetwork)
            {
                // Host-network pods share the node's address: an IP of theirs names the node, not the pod.
                foreach (var ip in pod.Status.PodIps?.Select(p => p.Ip) ?? (pod.Status.PodIp.Length > 0 ? [pod.Status.PodIp] : []))
                {
                    s.PodsByIp[ip] = md;
                }
            }

            AddContainers(s, pod, md);
        }

        return s;
    }

    /// <summary>Pod uid → its services: from each service's Endpoints, or its selector when it has no Endpoints object.</summary>
    private static Dictionary<string, List<ServiceMetadata>> ServicesOfPods(ClusterInformers k8s, IReadOnlyList<Service> services, Dictionary<string, ServiceMetadata> byName)
    {
        var result = new Dictionary<string, List<ServiceMetadata>>(StringComparer.Ordinal);
        void Add(string podUid, ServiceMetadata svc)
        {
            if (!result.TryGetValue(podUid, out var list))
            {
                result[podUid] = list = [];
            }

            if (!list.Contains(svc))
            {
                list.Add(svc);
            }
        }

        var pods = k8s.Pods.Cache;
        void AddTarget(ObjectReference? target, ServiceMetadata svc)
        {
            if (target is { Kind: "Pod" })
            {
                var uid = target.Uid.Length > 0 ? target.Uid : pods.Get(target.Namespace, target.Name)?.Metadata.Uid;
                if (uid is not null)
                {
                    Add(uid, svc);
                }
            }
        }

        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in k8s.EndpointSlices.Cache.Items)
        {
            var key = $"{slice.Metadata.Namespace}/{slice.Metadata.Labels?.GetValueOrDefault(EndpointSlice.ServiceNameLabel)}";
            if (!byName.TryGetValue(key, out var svc))
            {
                continue;
            }

            covered.Add(key);
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                AddTarget(endpoint.TargetRef, svc);
            }
        }

        foreach (var ep in k8s.Endpoints.Cache.Items)
        {
            if (!byName.TryGetValue(ep.Metadata.Key, out var svc))
            {
                continue;
            }

            covered.Add(ep.Metadata.Key);
            foreach (var subset in ep.Subsets ?? [])
            {
                foreach (var address in (subset.Addresses ?? []).Concat(subset.NotReadyAddresses ?? []))
                {
                    AddTarget(address.TargetRef, svc);
                }
            }
        }

        foreach (var svc in services)
        {
            if (svc.Spec.Selector is not { Count: > 0 } selector || covered.Contains(svc.Metadata.Key))
            {
                continue;
            }

            foreach (var pod in pods.Items)
            {
                if (pod.Metadata.Namespace == svc.Metadata.Namespace && selector.All(kv => pod.Metadata.Labels?.GetValueOrDefault(kv.Key) == kv.Value))
                {
                    Add(pod.Metadata.Uid, byName[svc.Metadata.Key]);
                }
            }
        }

        return result;
    }

    private static PodMetadata Describe(ClusterInformers k8s, Pod pod, List<ServiceMetadata> services, Dictionary<string, string> nodeHostnames)
    {
        var m = pod.Metadata;
        var rs = m.OwnerReferences?.FirstOrDefault(o => o.Kind == "ReplicaSet" && o.Controller != false);
        var deployment = rs is null ? null : k8s.ReplicaSets.Cache.Get(m.Namespace, rs.Name)?.Metadata.OwnerReferences?.FirstOrDefault(o => o.Kind == "Deployment");
        var deploymentUid = deployment is null ? string.Empty : deployment.Uid.Length > 0 ? deployment.Uid : k8s.Deployments.Cache.Get(m.Namespace, deployment.Name)?.Metadata.Uid ?? string.Empty;
        var started = pod.Status.StartTime ?? m.CreationTimestamp ?? DateTimeOffset.UnixEpoch;
        var ready = pod.Status.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { } r ? r.Status == "True" : (bool?)null;
        return new PodMetadata(
            m.Uid,
            m.Key,
            m.Namespace,
            pod.Spec.NodeName,
            nodeHostnames.GetValueOrDefault(pod.Spec.NodeName) ?? pod.Spec.NodeName,
            UnixNs(started),
            pod.Status.Phase.Length > 0 ? pod.Status.Phase : "Unknown",
            pod.Spec.HostNetwork ? string.Empty : pod.Status.PodIp,
            services)
        {
            ReplicaSetName = rs is null ? string.Empty : $"{m.Namespace}/{rs.Name}",
            ReplicaSetId = rs?.Uid ?? string.Empty,
            DeploymentName = deployment is null ? string.Empty : $"{m.Namespace}/{deployment.Name}",
            DeploymentId = deploymentUid,
            Message = pod.Status.Message,
            Reason = pod.Status.Reason,
            Ready = ready,
        };
    }

    private static void AddContainers(KubernetesMetadataSnapshot s, Pod pod, PodMetadata md)
    {
        foreach (var cs in (pod.Status.InitContainerStatuses ?? []).Concat(pod.Status.ContainerStatuses ?? []))
        {
            if (cs.ContainerId.Length == 0)
            {
                continue;
            }

            var (state, detail) = cs.State switch
            {
                { Running: { } d } => ("Running", d),
                { Terminated: { } d } => ("Terminated", d),
                { Waiting: { } d } => ("Waiting", d),
                _ => ("Unknown", null),
            };
            var id = StripRuntimePrefix(cs.ContainerId);
            var container = new ContainerMetadata(id, cs.Name, md.Id, detail?.StartedAt is { } at ? UnixNs(at) : md.StartTimeNs, state)
            {
                Message = detail?.Message ?? string.Empty,
                Reason = detail?.Reason ?? string.Empty,
            };
            s.ContainersById[id] = container;
            s.ContainersByName[cs.Name] = container;
        }
    }

    private static long UnixNs(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
