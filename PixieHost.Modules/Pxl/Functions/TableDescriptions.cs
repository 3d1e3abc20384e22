namespace PixieHost.Modules.Pxl.Functions;

/// <summary>Stirling's table descriptions, as px.GetTables() shows them.</summary>
public static class TableDescriptions
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.Ordinal)
    {
        ["http_events"] = "HTTP request-response pair events",
        ["conn_stats"] = "Connection-level stats. This table contains statistics on the communications made between client-server pairs.",
        ["process_stats"] = "CPU, memory and IO stats for all K8s processes in your cluster.",
        ["network_stats"] = "Network-layer RX/TX stats, grouped by pod.",
        ["pgsql_events"] = "Postgres (pgsql) request-response pair events",
        ["mysql_events"] = "MySQL request-response pair events",
        ["redis_events"] = "Redis request-response pair events",
        ["dns_events"] = "DNS request-response pair events",
        ["cql_events"] = "Cassandra (CQL) request-response pair events",
        ["kafka_events.beta"] = "Kafka request-response pair events",
        ["mongodb_events"] = "MongoDB request-response pair events",
        ["mux_events"] = "Mux request-response pair events",
        ["amqp_events"] = "AMQP request-response pair events",
        ["nats_events.beta"] = "NATS messages.",
        ["stack_traces.beta"] = "Sampled stack traces of applications that identify hot-spots in application code.",
        ["jvm_stats"] = "Basic JVM memory management metrics for java processes.",
        ["proc_exit_events"] = "Traces all abnormal process exits",
        ["stirling_error"] = "This table contains the status of Stirling's source connectors and tracepoints.",
        ["probe_status"] = "This table contains the deployment status of eBPF probes in different Stirling source connectors.",
    };

    public static string Of(string table) => Known.GetValueOrDefault(table, string.Empty);
}
