using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem;

/// <summary>The tables the PEM collects, with Pixie's exact column names, types and semantic types.</summary>
public static partial class PemSchemas
{
    /// <summary>time_, upid, remote_addr, remote_port, local_addr, local_port, trace_role, encrypted: the eight socket columns.</summary>
    private static ColumnSchema[] SocketColumns => Standard.Socket;

    public static readonly TableSchema HttpEvents = new("http_events",
    [
        .. SocketColumns,
        new("major_version", DataType.Int64, SemanticType.None, "HTTP major version, can be 1 or 2"),
        new("minor_version", DataType.Int64, SemanticType.None, "HTTP minor version, HTTP1 uses 1, HTTP2 set this value to 0"),
        new("content_type", DataType.Int64, SemanticType.None, "Type of the HTTP payload, can be JSON or protobuf"),
        new("req_headers", DataType.String, SemanticType.None, "Request headers in JSON format"),
        new("req_method", DataType.String, SemanticType.HttpReqMethod, "HTTP request method (e.g. GET, POST, ...)"),
        new("req_path", DataType.String, SemanticType.None, "Request path"),
        new("req_body", DataType.String, SemanticType.None, "Request body in JSON format"),
        new("req_body_size", DataType.Int64, SemanticType.Bytes, "Request body size (before truncation)"),
        new("resp_headers", DataType.String, SemanticType.None, "Response headers in JSON format"),
        new("resp_status", DataType.Int64, SemanticType.HttpRespStatus, "HTTP response status code"),
        new("resp_message", DataType.String, SemanticType.HttpRespMessage, "HTTP response status text (e.g. OK, Not Found, ...)"),
        new("resp_body", DataType.String, SemanticType.None, "Response body in JSON format"),
        new("resp_body_size", DataType.Int64, SemanticType.Bytes, "Response body size (before truncation)"),
        new("latency", DataType.Int64, SemanticType.DurationNs, "Request-response latency."),
    ]);

    public static readonly TableSchema ConnStats = new("conn_stats",
    [
        SocketColumns[0],
        SocketColumns[1],
        SocketColumns[2],
        SocketColumns[3],
        SocketColumns[6],
        new("addr_family", DataType.Int64, SemanticType.None, "The socket address family of the connection."),
        new("protocol", DataType.Int64, SemanticType.None, "The protocol of the traffic on the connections."),
        new("ssl", DataType.Boolean, SemanticType.None, "Was SSL traffic detected on this connection."),
        new("conn_open", DataType.Int64, SemanticType.None, "The number of connections opened since the beginning of tracing."),
        new("conn_close", DataType.Int64, SemanticType.None, "The number of connections closed since the beginning of tracing."),
        new("conn_active", DataType.Int64, SemanticType.None, "The number of active connections"),
        new("bytes_sent", DataType.Int64, SemanticType.Bytes, "The number of bytes sent to the remote endpoint(s)."),
        new("bytes_recv", DataType.Int64, SemanticType.Bytes, "The number of bytes received from the remote endpoint(s)."),
    ]);

    public static readonly TableSchema ProcessStats = new("process_stats",
    [
        SocketColumns[0],
        SocketColumns[1],
        new("major_faults", DataType.Int64, SemanticType.None, "Number of major page faults"),
        new("minor_faults", DataType.Int64, SemanticType.None, "Number of minor page faults"),
        new("cpu_utime_ns", DataType.Int64, SemanticType.DurationNs, "Time spent on user space by the process"),
        new("cpu_ktime_ns", DataType.Int64, SemanticType.DurationNs, "Time spent on kernel by the process"),
        new("num_threads", DataType.Int64, SemanticType.None, "Number of threads of the process"),
        new("vsize_bytes", DataType.Int64, SemanticType.Bytes, "Virtual memory size of the process"),
        new("rss_bytes", DataType.Int64, SemanticType.Bytes, "Resident set size of the process"),
        new("rchar_bytes", DataType.Int64, SemanticType.Bytes, "IO reads by the process"),
        new("wchar_bytes", DataType.Int64, SemanticType.Bytes, "IO writes by the process"),
        new("read_bytes", DataType.Int64, SemanticType.Bytes, "IO reads actually go to storage layer"),
        new("write_bytes", DataType.Int64, SemanticType.Bytes, "IO writes actually go to storage layer"),
    ]);

    /// <summary>A nested holder so the shared columns exist before any table of either partial file is built.</summary>
    private static class Standard
    {
        public static readonly ColumnSchema[] Socket =
        [
            new("time_", DataType.Time64NS, SemanticType.TimeNs, "Timestamp when the data record was collected."),
            new("upid", DataType.UInt128, SemanticType.Upid, "An opaque numeric ID that globally identify a running process inside the cluster."),
            new("remote_addr", DataType.String, SemanticType.IpAddress, "IP address of the remote endpoint."),
            new("remote_port", DataType.Int64, SemanticType.Port, "Port of the remote endpoint."),
            new("local_addr", DataType.String, SemanticType.IpAddress, "IP address of the local endpoint."),
            new("local_port", DataType.Int64, SemanticType.Port, "Port of the local endpoint."),
            new("trace_role", DataType.Int64, SemanticType.None, "The role (client-or-server) of the process that owns the connections."),
            new("encrypted", DataType.Boolean, SemanticType.None, "Whether the traffic was encrypted."),
        ];
    }

    /// <summary>Every table the PEM declares; tables a later collector fills are declared now so scripts over them compile.</summary>
    public static IReadOnlyList<TableSchema> All => field ??=
    [
        HttpEvents, ConnStats, ProcessStats, NetworkStats, PgsqlEvents, MysqlEvents, RedisEvents, DnsEvents, CqlEvents,
        KafkaEvents, MongodbEvents, MuxEvents, AmqpEvents, NatsEvents, StackTraces, JvmStats, ProcExitEvents, StirlingError,
        ProbeStatus,
    ];
}

/// <summary>
/// Unique process id, 128 bits as in Pixie: high = (asid &lt;&lt; 32) | pid, low = process start time in clock ticks
/// (field 22 of /proc/PID/stat).
/// </summary>
public readonly record struct Upid(uint Asid, uint Pid, ulong StartTimeTicks)
{
    public UInt128 Value => new(((ulong)Asid << 32) | Pid, StartTimeTicks);

    public static Upid From(UInt128 v) => new((uint)((ulong)(v >> 64) >> 32), (uint)(ulong)(v >> 64), (ulong)v);

    public override string ToString() => $"{Asid}:{Pid}:{StartTimeTicks}";
}
