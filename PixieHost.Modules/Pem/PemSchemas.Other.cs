using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem;

/// <summary>
/// Pixie's schemas for the protocol, profiler and health tables. Until their collectors land these tables stay
/// empty, but scripts that read them compile and return no rows.
/// </summary>
public static partial class PemSchemas
{
    public static readonly TableSchema NetworkStats = new("network_stats",
    [
        SocketColumns[0],
        new("pod_id", DataType.String, SemanticType.None, "The ID of the pod"),
        Counter("rx_bytes", SemanticType.Bytes, "Received network traffic in bytes of the pod"),
        Counter("rx_packets", SemanticType.None, "Number of received network packets of the pod"),
        Counter("rx_errors", SemanticType.None, "Number of network receive errors of the pod"),
        Counter("rx_drops", SemanticType.None, "Number of dropped network packets being received of the pod"),
        Counter("tx_bytes", SemanticType.Bytes, "Transmitted network traffic of the pod"),
        Counter("tx_packets", SemanticType.None, "Number of transmitted network packets of the pod"),
        Counter("tx_errors", SemanticType.None, "Number of network transmit errors of the pod"),
        Counter("tx_drops", SemanticType.None, "Number of dropped network packets being transmitted of the pod"),
    ]);

    public static readonly TableSchema PgsqlEvents = Socket("pgsql_events",
        Str("req_cmd", "PostgreSQL request command code"),
        Str("req", "PostgreSQL request body"),
        Str("resp", "PostgreSQL response body"),
        Latency());

    public static readonly TableSchema MysqlEvents = Socket("mysql_events",
        Int("req_cmd", "MySQL request command"),
        Str("req_body", "MySQL request body"),
        Int("resp_status", "MySQL response status code"),
        Str("resp_body", "MySQL response body"),
        Latency());

    public static readonly TableSchema RedisEvents = Socket("redis_events",
        Str("req_cmd", "Request command. See https://redis.io/commands."),
        Str("req_args", "Request command arguments"),
        Str("resp", "Response message"),
        Latency());

    public static readonly TableSchema DnsEvents = Socket("dns_events",
        Str("req_header", "Request header"),
        Str("req_body", "Request"),
        Str("resp_header", "Response header"),
        Str("resp_body", "Response"),
        Latency());

    public static readonly TableSchema CqlEvents = Socket("cql_events",
        Int("req_op", "Request opcode"),
        Str("req_body", "Request body"),
        Int("resp_op", "Response opcode"),
        Str("resp_body", "Response body"),
        Latency());

    public static readonly TableSchema KafkaEvents = Socket("kafka_events.beta",
        Int("req_cmd", "Kafka request command"),
        Str("client_id", "Kafka client ID"),
        Str("req_body", "Kafka request body"),
        Str("resp", "Kafka response body"),
        Latency());

    public static readonly TableSchema MongodbEvents = Socket("mongodb_events",
        Str("req_cmd", "MongoDB request command"),
        Str("req_body", "MongoDB request body"),
        Str("resp_status", "MongoDB response status"),
        Str("resp_body", "MongoDB response body"),
        Latency());

    public static readonly TableSchema MuxEvents = Socket("mux_events",
        Int("req_type", "Mux message request type"),
        Latency());

    public static readonly TableSchema AmqpEvents = Socket("amqp_events",
        Int("frame_type", "AMQP frame type"),
        Int("channel", "AMQP channel"),
        Int("req_class_id", "AMQP request class id"),
        Int("req_method_id", "AMQP request method id"),
        Int("resp_class_id", "AMQP response class id"),
        Int("resp_method_id", "AMQP response method id"),
        Str("req_msg", "AMQP request message"),
        Str("resp_msg", "AMQP response message"),
        Latency());

    public static readonly TableSchema NatsEvents = Socket("nats_events.beta",
        Str("cmd", "The name of the command."),
        Str("body", "Option name and value pairs in JSON format."),
        Str("resp", "The response to the command."));

    public static readonly TableSchema StackTraces = new("stack_traces.beta",
    [
        SocketColumns[0],
        SocketColumns[1],
        Int("stack_trace_id", "A unique identifier of the stack trace, for script-writing convenience. String representation is in the `stack_trace` column."),
        Str("stack_trace", "A stack trace within the sampled process, in folded format. The call stack symbols are separated by semicolons. If symbols cannot be resolved, addresses are populated instead."),
        Int("count", "Number of times the stack trace has been sampled."),
    ]);

    public static readonly TableSchema JvmStats = new("jvm_stats",
    [
        SocketColumns[0],
        SocketColumns[1],
        Counter("young_gc_time", SemanticType.DurationNs, "Time spent in young generation garbage collection"),
        Counter("full_gc_time", SemanticType.DurationNs, "Time spent in full garbage collection"),
        Counter("used_heap_size", SemanticType.Bytes, "Used heap size in bytes"),
        Counter("total_heap_size", SemanticType.Bytes, "Total heap size in bytes"),
        Counter("max_heap_size", SemanticType.Bytes, "Maximal heap capacity in bytes"),
    ]);

    public static readonly TableSchema ProcExitEvents = new("proc_exit_events",
    [
        SocketColumns[0],
        SocketColumns[1],
        Int("exit_code", "The exit code of this process."),
        Int("signal", "The signal received by this process."),
        Str("comm", "The name of the process."),
    ]);

    public static readonly TableSchema StirlingError = new("stirling_error",
    [
        SocketColumns[0],
        SocketColumns[1],
        Str("source_connector", "The source connector whose status is reported"),
        Int("status", "The status of the deployment or event"),
        Str("error", "The error messages of the deployment or event, if any"),
        Str("context", "The context of the deployment or event"),
    ]);

    public static readonly TableSchema ProbeStatus = new("probe_status",
    [
        SocketColumns[0],
        SocketColumns[1],
        Str("source_connector", "The source connector whose status is reported"),
        Str("tracepoint", "The tracepoint in the source connector of interest"),
        Int("status", "The status of the deployment or event"),
        Str("error", "The error messages of the deployment or event, if any"),
        Str("info", "Optional extra info provided as a JSON"),
    ]);

    private static TableSchema Socket(string name, params ColumnSchema[] columns) => new(name, [.. SocketColumns, .. columns]);

    private static ColumnSchema Str(string name, string description) => new(name, DataType.String, SemanticType.None, description);

    private static ColumnSchema Int(string name, string description) => new(name, DataType.Int64, SemanticType.None, description);

    private static ColumnSchema Counter(string name, SemanticType semantic, string description) => new(name, DataType.Int64, semantic, description);

    private static ColumnSchema Latency() => new("latency", DataType.Int64, SemanticType.DurationNs, "Request-response latency.");
}
