using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.ProcessStats;

namespace PixieHost.Modules.Metadata;

/// <summary>How one process of /proc becomes process, pod and service metadata.</summary>
public sealed partial class LocalMetadataProvider
{
    private const string ServiceAccountNamespace = "var/run/secrets/kubernetes.io/serviceaccount/namespace";

    private ProcessMetadata Describe(UInt128 upid, Upid u)
    {
        var pid = (int)u.Pid;
        var cgroup = CgroupParser.Parse(_proc.Cgroup(pid));
        var cmdline = _proc.Cmdline(pid);
        var containerName = _containerNames.NameOf(cgroup.ContainerId, cgroup.Runtime);
        var startNs = _bootTimeNs + (long)u.StartTimeTicks * (1_000_000_000L / ProcFs.ClockTicksPerSecond);
        var pod = cgroup switch
        {
            { InKubernetesPod: true } => KubernetesPod(pid, cgroup, startNs),
            { InContainer: true } => Register(MetadataIds.FromContainerId(cgroup.ContainerId), _options.ContainerNamespace, containerName, startNs, containerName, OwnAddress(pid)),
            // Kernel threads have no cmdline; like processes outside pods in Pixie they get no pod.
            _ when cmdline.Length == 0 && cgroup.SystemdUnit.Length == 0 => null,
            _ => HostPod(pid, cgroup, startNs),
        };
        if (cgroup.InContainer && pod is not null)
        {
            var container = _containersById.AddOrUpdate(cgroup.ContainerId, new ContainerMetadata(cgroup.ContainerId, containerName, pod.Id, startNs, "Running"),
                (_, old) => old.StartTimeNs <= startNs ? old : old with { StartTimeNs = startNs });
            _containersByName[containerName] = container;
        }

        return new ProcessMetadata(upid, u.Pid, u.StartTimeTicks, cmdline, cgroup.ContainerId, containerName, pod);
    }

    /// <summary>
    /// A plain process: its systemd unit, or failing that its process name, is both its pod and its service in the
    /// host namespace, so every process of nginx.service is pod "host/nginx" of service "host/nginx".
    /// </summary>
    private PodMetadata? HostPod(int pid, CgroupInfo cgroup, long startNs)
    {
        var group = cgroup.SystemdUnit.Length > 0 ? cgroup.SystemdUnit : _proc.Comm(pid);
        return group.Length == 0 ? null : Register(MetadataIds.FromName("pod", $"{_options.HostNamespace}/{group}"), _options.HostNamespace, group, startNs, group);
    }

    /// <summary>
    /// A container of a Kubernetes pod seen without the Kubernetes API: the pod UID comes from the cgroup, the name
    /// from the container's HOSTNAME and the namespace from its service account (both need root), no services.
    /// </summary>
    private PodMetadata KubernetesPod(int pid, CgroupInfo cgroup, long startNs)
    {
        var id = cgroup.PodUid.Length > 0 ? cgroup.PodUid : MetadataIds.FromContainerId(cgroup.ContainerId);
        var ns = _proc.RootFile(pid, ServiceAccountNamespace) is { Length: > 0 } n ? n : _options.ContainerNamespace;
        var name = _proc.Environment(pid, "HOSTNAME") is { Length: > 0 } h ? h : ContainerNames.ShortId(cgroup.ContainerId);
        return Register(id, ns, name, startNs, service: null, OwnAddress(pid));
    }

    /// <summary>The container's own IPv4 address when it has its own network namespace, else "" (it shares the node's).</summary>
    private string OwnAddress(int pid)
    {
        var ns = _proc.NetNamespace(pid);
        return ns.Length == 0 || ns == _hostNetNamespace ? string.Empty : _proc.LocalAddresses(pid).FirstOrDefault() ?? string.Empty;
    }

    /// <summary>Records the pod (keeping the earliest start time seen) and its service; returns the stored pod.</summary>
    private PodMetadata Register(string id, string ns, string name, long startNs, string? service, string ip = "")
    {
        ServiceMetadata[] services = [];
        if (service is not null)
        {
            var serviceName = $"{ns}/{service}";
            var svc = _servicesByName.GetOrAdd(serviceName, s => new ServiceMetadata(MetadataIds.FromName("service", s), s, ns));
            _servicesById.TryAdd(svc.Id, svc);
            services = [svc];
        }

        var fresh = new PodMetadata(id, $"{ns}/{name}", ns, NodeName, Hostname, startNs, "Running", ip, services);
        var pod = _podsById.AddOrUpdate(id, fresh, (_, old) => old.StartTimeNs <= startNs && (old.Ip.Length > 0 || ip.Length == 0)
            ? old
            : old with { StartTimeNs = Math.Min(old.StartTimeNs, startNs), Ip = old.Ip.Length > 0 ? old.Ip : ip });
        _podsByName[pod.Name] = pod;
        if (pod.Ip.Length > 0)
        {
            _podsByIp[pod.Ip] = pod;
        }

        return pod;
    }
}
