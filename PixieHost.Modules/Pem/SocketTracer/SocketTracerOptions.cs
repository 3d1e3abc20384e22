using System.ComponentModel.DataAnnotations;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>Settings of the user-space socket tracer (configuration section <c>Pem:SocketTracer</c>).</summary>
public sealed class SocketTracerOptions
{
    public const string Section = "Pem:SocketTracer";

    /// <summary>Agent short id, the high 32 bits of every upid this node writes. Default 0 (standalone).</summary>
    public uint Asid { get; set; }

    /// <summary>
    /// Protocols not parsed (Pixie's PX_STIRLING_ENABLE_&lt;P&gt;_TRACING=0): their connections are counted in conn_stats
    /// and dropped. Names as in conn_stats' protocol: http2, mysql, pgsql, dns, redis. Default none.
    /// </summary>
    public string[] DisabledProtocols { get; set; } = [];

    /// <summary>Bytes buffered per connection direction; beyond, the oldest are dropped. Pixie: 1 MiB (<c>PL_DATASTREAM_BUFFER_SIZE</c>).</summary>
    [Range(4096, 1 << 30)]
    public int DataStreamBufferBytes { get; set; } = 1 << 20;

    /// <summary>Reader batches a missing range may wait for out-of-order bytes before it is treated as lost. Default 2.</summary>
    [Range(0, 1000)]
    public int ReorderWindowBatches { get; set; } = 2;

    /// <summary>Body bytes stored in http_events req_body/resp_body. Pixie: 512 (<c>PL_STIRLING_MAX_BODY_BYTES</c>).</summary>
    [Range(0, HttpBodyLimit)]
    public int MaxBodyBytes { get; set; } = 512;

    /// <summary>Longest value of other string columns (headers, path) before "... [TRUNCATED]". Pixie: 1024.</summary>
    [Range(16, 1 << 20)]
    public int MaxStringBytes { get; set; } = 1024;

    /// <summary>Parsed requests without response (and responses without request) are dropped after this. Pixie: 60 s.</summary>
    public TimeSpan MessageExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection without events for this long is forgotten. Pixie: 300 s.</summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>A closed connection is kept this long for late events before it is forgotten. Default 5 s.</summary>
    public TimeSpan ClosedLinger { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the realtime − monotonic clock offset is measured again. Default 10 s.</summary>
    public TimeSpan ClockRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a process start time read from /proc is reused for its pid. Default 30 s.</summary>
    public TimeSpan ProcessCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A connection no event marked as HTTP stops being parsed after this many bytes without one HTTP message.
    /// Default 64 KiB.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int UnknownProtocolParseBytes { get; set; } = 64 * 1024;

    /// <summary>How often built http_events rows are appended to the table store. Pixie: 1 s.</summary>
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often conn_stats rows are written. Pixie: every 50th 200 ms sample, 10 s.</summary>
    public TimeSpan ConnStatsInterval { get; set; } = TimeSpan.FromSeconds(10);

    internal const int HttpBodyLimit = Protocols.Http.HttpFrame.BodyLimit;
}
