namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>
/// The keys of <c>df.ctx[...]</c> (Pixie's src/carnot/planner/metadata/metadata_handler.cc) and, per key, the
/// columns it can be derived from with the function that derives it, in order of preference: the UPID first,
/// then the key's own column, pod ids, pod names, service ids and service names.
/// </summary>
public static class CtxKeys
{
    private static readonly Dictionary<string, (string Column, string Function)[]> Sources = Build();

    public static IEnumerable<string> Names => Sources.Keys;

    /// <summary>The (column, function) pairs <paramref name="key"/> can be computed from; false for unknown keys.</summary>
    public static bool TryGet(string key, out IReadOnlyList<(string Column, string Function)> sources)
    {
        var found = Sources.TryGetValue(key, out var s);
        sources = s ?? [];
        return found;
    }

    private static Dictionary<string, (string, string)[]> Build()
    {
        var d = new Dictionary<string, (string, string)[]>(StringComparer.Ordinal);
        void Key(string upidFunction, string[] names, string? pod = null, string? service = null)
        {
            foreach (var name in names)
            {
                var list = new List<(string, string)> { ("upid", upidFunction) };
                if (pod is not null)
                {
                    list.Add(("pod_id", $"pod_id_to_{pod}"));
                    list.Add(("pod", $"pod_name_to_{pod}"));
                    list.Add(("pod_name", $"pod_name_to_{pod}"));
                }

                if (service is not null)
                {
                    list.Add(("service_id", $"service_id_to_{service}"));
                    list.Add(("service", $"service_name_to_{service}"));
                }

                d[name] = [.. list];
            }
        }

        Key("upid_to_container_id", ["container_id"]);
        Key("upid_to_service_id", ["service_id"], pod: "service_id");
        Key("upid_to_pod_id", ["pod_id"]);
        Key("upid_to_deployment_id", ["deployment_id"]);
        Key("upid_to_replica_set_id", ["replicaset_id"]);
        Key("upid_to_service_name", ["service"], pod: "service_name");
        Key("upid_to_pod_name", ["pod", "pod_name"]);
        Key("upid_to_deployment_name", ["deployment", "deployment_name"], pod: "deployment_name");
        Key("upid_to_namespace", ["namespace"], pod: "namespace", service: "namespace");
        Key("upid_to_replica_set_name", ["replica_set"], pod: "replica_set_name");
        Key("upid_to_node_name", ["node", "node_name"], pod: "node_name");
        Key("upid_to_hostname", ["host", "hostname"]);
        Key("upid_to_container_name", ["container", "container_name"]);
        Key("upid_to_cmdline", ["cmdline", "cmd"]);
        Key("upid_to_asid", ["asid"]);
        Key("upid_to_pid", ["pid"]);

        // pod_id → pod name is the one conversion whose name does not follow the pattern above.
        d["pod"] = [.. d["pod"], ("pod_id", "pod_id_to_pod_name")];
        d["pod_name"] = [.. d["pod_name"], ("pod_id", "pod_id_to_pod_name")];
        d["pod_id"] = [.. d["pod_id"], ("pod", "pod_name_to_pod_id"), ("pod_name", "pod_name_to_pod_id")];
        d["service"] = [.. d["service"], ("service_id", "service_id_to_service_name")];
        d["service_id"] = [.. d["service_id"], ("service", "service_name_to_service_id")];
        return d;
    }
}
