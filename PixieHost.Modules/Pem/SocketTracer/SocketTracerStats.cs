namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>A snapshot of what the socket tracer has seen and done since it started.</summary>
public sealed record SocketTracerStats
{
    public long ControlEvents { get; init; }

    public long DataEvents { get; init; }

    /// <summary>Data events for a connection whose open event was not seen (a tracker was made for them).</summary>
    public long DataWithoutOpen { get; init; }

    /// <summary>Bytes the traced syscalls moved (msg_size), and the part the kernel copied (data_size).</summary>
    public long BytesSeen { get; init; }

    public long BytesCopied { get; init; }

    /// <summary>Bytes dropped because a direction's buffer was full or events overlapped.</summary>
    public long BytesDropped { get; init; }

    public long Gaps { get; init; }

    /// <summary>Bytes never received (kernel copied a prefix only, or events were lost).</summary>
    public long GapBytes { get; init; }

    public long StaleEvents { get; init; }

    public long FramesParsed { get; init; }

    public long ParseErrors { get; init; }

    public long Resyncs { get; init; }

    public long BytesSkipped { get; init; }

    public long IncompleteFrames { get; init; }

    public long InformationalResponses { get; init; }

    public long UnmatchedResponses { get; init; }

    public long ExpiredRequests { get; init; }

    public long UnansweredRequests { get; init; }

    /// <summary>http_events rows built.</summary>
    public long RecordsEmitted { get; init; }

    /// <summary>http_events rows appended to the table store by Flush.</summary>
    public long RecordsFlushed { get; init; }

    public long ConnStatsRowsWritten { get; init; }

    public long RolesInferred { get; init; }

    /// <summary>Connections whose traffic was not HTTP, so parsing was turned off.</summary>
    public long ParsingDisabled { get; init; }

    /// <summary>Connections of a protocol the kernel recognised but no handler is enabled for: not parsed.</summary>
    public long ProtocolsWithoutHandler { get; init; }

    public int ActiveTrackers { get; init; }

    public long TrackersCreated { get; init; }

    public long TrackersClosed { get; init; }

    public long TrackersExpired { get; init; }

    /// <summary>Connections given up because parsing hit an internal error (a defect; should stay 0).</summary>
    public long InternalErrors { get; init; }

    /// <summary>Payload bytes held in all trackers' buffers now.</summary>
    public long BufferedBytes { get; init; }

    /// <summary>Counters of the protocol handlers other than HTTP/1, by protocol name ("pgsql", "redis", ...).</summary>
    public IReadOnlyDictionary<string, Protocols.ProtocolStatsSnapshot> Protocols { get; init; } =
        new Dictionary<string, Protocols.ProtocolStatsSnapshot>();
}
