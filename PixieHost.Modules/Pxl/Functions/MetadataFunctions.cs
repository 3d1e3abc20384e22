using System.Text.Json;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// Pixie's metadata UDFs (src/carnot/funcs/metadata/metadata_ops.cc) over an <see cref="IMetadataProvider"/>:
/// upid_to_*, pod_id_to_*, pod_name_to_*, service_*, ip_to_*, has_service_*, nslookup, vizier_*, get_cidrs.
/// Unknown keys answer "" (and 0 for times), as in Pixie. The kernels close over the provider, so a registry built
/// with <see cref="FunctionRegistry.Create"/> answers from that provider.
/// </summary>
public static class MetadataFunctions
{
    private const DataType Str = DataType.String;
    private const DataType U128 = DataType.UInt128;

    /// <summary>The functions that read the process metadata of the node that recorded the UPID: they run on that node.</summary>
    public static IReadOnlySet<string> NodeOnly { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "upid_to_container_id", "upid_to_container_name", "upid_to_pod_id", "upid_to_pod_name", "upid_to_namespace",
        "upid_to_service_id", "upid_to_service_name", "upid_to_node_name", "upid_to_hostname", "upid_to_cmdline",
        "upid_to_deployment_name", "upid_to_deployment_id", "upid_to_replica_set_name", "upid_to_replica_set_id",
        "upid_to_pod_status",
    };

    public static void Register(FunctionRegistry r, IMetadataProvider md)
    {
        RegisterUpid(r, md);
        RegisterPod(r, md);
        RegisterService(r, md);
        RegisterContainer(r, md);
        RegisterNetwork(r, md);
    }

    private static void RegisterUpid(FunctionRegistry r, IMetadataProvider md)
    {
        Upid(r, md, "upid_to_container_id", p => p.ContainerId);
        Upid(r, md, "upid_to_container_name", p => p.ContainerName, SemanticType.ContainerName);
        Upid(r, md, "upid_to_pod_id", p => p.Pod?.Id);
        Upid(r, md, "upid_to_pod_name", p => p.Pod?.Name, SemanticType.PodName);
        Upid(r, md, "upid_to_namespace", p => p.Pod?.Namespace, SemanticType.NamespaceName);
        Upid(r, md, "upid_to_service_id", p => ServiceIds(p.Pod));
        Upid(r, md, "upid_to_service_name", p => ServiceNames(p.Pod), SemanticType.ServiceName);
        Upid(r, md, "upid_to_node_name", p => p.Pod?.NodeName ?? md.NodeName, SemanticType.NodeName);
        Upid(r, md, "upid_to_hostname", p => p.Pod?.Hostname ?? md.Hostname);
        Upid(r, md, "upid_to_cmdline", p => p.Cmdline);
        Upid(r, md, "upid_to_deployment_name", p => p.Pod?.DeploymentName);
        Upid(r, md, "upid_to_deployment_id", p => p.Pod?.DeploymentId);
        Upid(r, md, "upid_to_replica_set_name", p => p.Pod?.ReplicaSetName);
        Upid(r, md, "upid_to_replica_set_id", p => p.Pod?.ReplicaSetId);
        Add(r, new ScalarFunction("upid_to_pod_status").Add([U128], Str,
            MetadataKernels.UpidToString(u => Status(md.FindProcess(u)?.Pod)), SemanticRule.Fixed, SemanticType.PodStatus));
        Add(r, new ScalarFunction("upid_to_string").Add([U128], Str,
            MetadataKernels.UpidToString(u => Pem.Upid.From(u).ToString())));
        Add(r, new ScalarFunction("upid_to_asid").Add([U128], DataType.Int64,
            (a, n) => Vector.Unary<UInt128, long, UpidToAsidOp>(a[0], n, DataType.Int64)));
    }

    private static void RegisterPod(FunctionRegistry r, IMetadataProvider md)
    {
        Pod(r, "pod_id_to_pod_name", md.FindPod, p => p.Name, SemanticType.PodName);
        Pod(r, "pod_id_to_namespace", md.FindPod, p => p.Namespace, SemanticType.NamespaceName);
        Pod(r, "pod_id_to_service_name", md.FindPod, ServiceNames, SemanticType.ServiceName);
        Pod(r, "pod_id_to_service_id", md.FindPod, ServiceIds);
        Pod(r, "pod_id_to_node_name", md.FindPod, p => p.NodeName, SemanticType.NodeName);
        Pod(r, "pod_id_to_deployment_name", md.FindPod, p => p.DeploymentName);
        Pod(r, "pod_id_to_replica_set_name", md.FindPod, p => p.ReplicaSetName);
        Add(r, new ScalarFunction("pod_id_to_start_time").Add([Str], DataType.Time64NS,
            MetadataKernels.StringToInt64(id => md.FindPod(id)?.StartTimeNs ?? 0, DataType.Time64NS)));
        Add(r, new ScalarFunction("pod_id_to_pod_status").Add([Str], Str,
            MetadataKernels.StringToString(id => Status(md.FindPod(id))), SemanticRule.Fixed, SemanticType.PodStatus));

        Pod(r, "pod_name_to_pod_id", md.FindPodByName, p => p.Id);
        Pod(r, "pod_name_to_namespace", md.FindPodByName, p => p.Namespace, SemanticType.NamespaceName);
        Pod(r, "pod_name_to_service_name", md.FindPodByName, ServiceNames, SemanticType.ServiceName);
        Pod(r, "pod_name_to_service_id", md.FindPodByName, ServiceIds);
        Pod(r, "pod_name_to_node_name", md.FindPodByName, p => p.NodeName, SemanticType.NodeName);
        Pod(r, "pod_name_to_deployment_name", md.FindPodByName, p => p.DeploymentName);
        Pod(r, "pod_name_to_replica_set_name", md.FindPodByName, p => p.ReplicaSetName);
        Add(r, new ScalarFunction("pod_name_to_start_time").Add([Str], DataType.Time64NS,
            MetadataKernels.StringToInt64(n => md.FindPodByName(n)?.StartTimeNs ?? 0, DataType.Time64NS)));
        Add(r, new ScalarFunction("pod_name_to_status").Add([Str], Str,
            MetadataKernels.StringToString(n => Status(md.FindPodByName(n))), SemanticRule.Fixed, SemanticType.PodStatus));
    }

    private static void RegisterContainer(FunctionRegistry r, IMetadataProvider md)
    {
        Text(r, "container_name_to_container_id", n => md.FindContainerByName(n)?.Id);
        Add(r, new ScalarFunction("container_id_to_container_status").Add([Str], Str,
            MetadataKernels.StringToString(id => md.FindContainer(id)?.StatusJson ?? "{\"state\":\"Unknown\",\"message\":\"\",\"reason\":\"\"}"),
            SemanticRule.Fixed, SemanticType.ContainerStatus));
        Add(r, new ScalarFunction("container_id_to_start_time").Add([Str], DataType.Time64NS,
            MetadataKernels.StringToInt64(id => md.FindContainer(id)?.StartTimeNs ?? 0, DataType.Time64NS)));
        Add(r, new ScalarFunction("container_name_to_start_time").Add([Str], DataType.Time64NS,
            MetadataKernels.StringToInt64(n => md.FindContainerByName(n)?.StartTimeNs ?? 0, DataType.Time64NS)));
        Pod(r, "pod_name_to_pod_ip", md.FindPodByName, p => p.Ip);
    }

    private static void RegisterService(FunctionRegistry r, IMetadataProvider md)
    {
        Text(r, "service_id_to_service_name", id => md.FindService(id)?.Name, SemanticType.ServiceName);
        Text(r, "service_name_to_service_id", n => md.FindServiceByName(n)?.Id);
        Text(r, "service_name_to_namespace", n => md.FindServiceByName(n)?.Namespace, SemanticType.NamespaceName);
        Text(r, "service_id_to_cluster_ip", id => md.FindService(id)?.ClusterIp);
        Add(r, new ScalarFunction("has_service_name").Add([Str], DataType.Boolean, MetadataKernels.StringToBool(HasValue)));
        Add(r, new ScalarFunction("has_service_id").Add([Str], DataType.Boolean, MetadataKernels.StringToBool(HasValue)));
    }

    private static void RegisterNetwork(FunctionRegistry r, IMetadataProvider md)
    {
        var podId = MetadataKernels.StringToString(ip => md.FindPodByIp(ip)?.Id ?? string.Empty);
        var serviceId = MetadataKernels.StringToString(ip => md.FindPodByIp(ip) is { } p ? ServiceIds(p) : md.FindServiceByIp(ip)?.Id ?? string.Empty);

        // The (ip, time) forms are Pixie's ip_to_pod_id at a point in time; a host has no history, so time is ignored.
        Add(r, new ScalarFunction("ip_to_pod_id").Add([Str], Str, podId).Add([Str, DataType.Time64NS], Str, podId));
        Add(r, new ScalarFunction("ip_to_service_id").Add([Str], Str, serviceId).Add([Str, DataType.Time64NS], Str, serviceId));
        Add(r, new ScalarFunction("nslookup").Add([Str], Str, MetadataKernels.StringsToStrings(md.ReverseLookup)));
        Add(r, new ScalarFunction("vizier_name").Add([], Str, MetadataKernels.Constant(() => md.VizierName)));
        Add(r, new ScalarFunction("vizier_id").Add([], Str, MetadataKernels.Constant(() => md.VizierId)));
        Add(r, new ScalarFunction("get_cidrs").Add([], Str, MetadataKernels.Constant(() => JsonSerializer.Serialize(md.Cidrs))));
    }

    private static void Upid(FunctionRegistry r, IMetadataProvider md, string name, Func<ProcessMetadata, string?> field, SemanticType semantic = SemanticType.None) =>
        Add(r, new ScalarFunction(name).Add([U128], Str,
            MetadataKernels.UpidToString(u => md.FindProcess(u) is { } p ? field(p) ?? string.Empty : string.Empty),
            semantic == SemanticType.None ? SemanticRule.None : SemanticRule.Fixed, semantic));

    private static void Pod(FunctionRegistry r, string name, Func<string, PodMetadata?> find, Func<PodMetadata, string> field, SemanticType semantic = SemanticType.None) =>
        Text(r, name, key => find(key) is { } p ? field(p) : null, semantic);

    private static void Text(FunctionRegistry r, string name, Func<string, string?> lookup, SemanticType semantic = SemanticType.None) =>
        Add(r, new ScalarFunction(name).Add([Str], Str, MetadataKernels.StringToString(k => lookup(k) ?? string.Empty),
            semantic == SemanticType.None ? SemanticRule.None : SemanticRule.Fixed, semantic));

    private static void Add(FunctionRegistry r, ScalarFunction f) => r.Register(f);

    /// <summary>Pixie's form: the one service name, or a JSON list when a pod backs several services.</summary>
    private static string ServiceNames(PodMetadata? pod) => Join(pod, s => s.Name);

    private static string ServiceIds(PodMetadata? pod) => Join(pod, s => s.Id);

    private static string Join(PodMetadata? pod, Func<ServiceMetadata, string> part) => pod?.Services switch
    {
        null or [] => string.Empty,
        [var one] => part(one),
        var many => JsonSerializer.Serialize(many.Select(part)),
    };

    private static string Status(PodMetadata? pod) =>
        pod?.StatusJson ?? "{\"phase\":\"Unknown\",\"message\":\"\",\"reason\":\"\",\"ready\":false}";

    private static bool HasValue(string s) => s.Length > 0 && s != "[]";

    private struct UpidToAsidOp : IUnaryOp<UInt128, long>
    {
        public static long Apply(UInt128 a) => (uint)((ulong)(a >> 64) >> 32);
    }
}
