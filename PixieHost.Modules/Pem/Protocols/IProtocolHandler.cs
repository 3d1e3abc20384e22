using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols;

/// <summary>
/// One protocol's parser, stitcher and table writer, shared by every connection of one socket tracer (HTTP/1 has
/// its own path in the tracer; every other protocol comes through here). The tracer calls it on its reader thread
/// only, so an implementation needs no locking. Malformed bytes never throw: a connection whose bytes cannot be
/// parsed is reported with <see cref="ProtocolStatus.Unparseable"/> and the tracer stops parsing it.
/// </summary>
public interface IProtocolHandler
{
    /// <summary>The protocol the kernel (or the user-space inference) marks connections with.</summary>
    TrafficProtocol Protocol { get; }

    /// <summary>The table the records go to (several handlers may write one table: HTTP/2 writes http_events).</summary>
    TableSchema Schema { get; }

    /// <summary>Counters of this handler, updated on the reader thread.</summary>
    ProtocolStats Stats { get; }

    /// <summary>Fresh per-connection state, made when a connection is first known to speak this protocol.</summary>
    ProtocolConnection CreateConnection();

    /// <summary>
    /// The role of the traced process from the first bytes of each direction, for sockets that existed before
    /// tracing (no connect/accept seen). <see cref="TraceRole.Unknown"/> when the bytes do not tell (yet).
    /// </summary>
    TraceRole InferRole(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received);

    /// <summary>
    /// Parses what <paramref name="conn"/>'s request and response streams hold (<see cref="ConnTracker.RequestStream"/>,
    /// <see cref="ConnTracker.ResponseStream"/>: read <see cref="DataStream.Contiguous"/>, <see cref="DataStream.Consume"/>
    /// what was parsed, step over gaps with <see cref="DataStream.SkipGap"/>, resync when <see cref="DataStream.NeedsResync"/>),
    /// pairs requests with responses and appends one row per pair. Incomplete messages stay in the streams.
    /// </summary>
    ProtocolStatus Process(ConnTracker conn, ProtocolConnection state, in ProtocolContext context);

    /// <summary>Drops messages waiting for their other half since before <paramref name="olderThanNs"/> (CLOCK_MONOTONIC).</summary>
    void Expire(ProtocolConnection state, ulong olderThanNs);

    /// <summary>The connection closed and every byte before the close was parsed: what is pending never completes. May be called again on later batches: it must be idempotent.</summary>
    void OnClosed(ProtocolConnection state);

    /// <summary>The row batches written since the last call (empty when none); the tracer appends them to <see cref="Schema"/>.</summary>
    List<RowBatch> TakeBatches();
}

/// <summary>Per-connection state of one protocol (parsers, pending requests, decoder tables).</summary>
public abstract class ProtocolConnection : IDisposable
{
    /// <summary>Frees what the state holds; the connection is gone or no longer parsed.</summary>
    public virtual void Dispose()
    {
    }
}

/// <summary>What <see cref="IProtocolHandler.Process"/> concluded about the connection.</summary>
public enum ProtocolStatus
{
    /// <summary>Parsed what could be parsed; more bytes may complete what is pending.</summary>
    Ok,

    /// <summary>The bytes are not this protocol (or hopelessly corrupt): the tracer stops parsing the connection and counts it.</summary>
    Unparseable,
}

/// <summary>Per-call settings and clock for <see cref="IProtocolHandler.Process"/>.</summary>
public readonly record struct ProtocolContext(long RealtimeOffsetNs, int MaxStringBytes, int MaxBodyBytes);

/// <summary>Counters of one protocol handler; fields so the hot path increments them in place.</summary>
public sealed class ProtocolStats
{
    public long FramesParsed;

    /// <summary>Bytes that could not be parsed and were skipped while looking for the next message.</summary>
    public long ParseErrors;
    public long BytesSkipped;

    /// <summary>Responses with no request to pair with (connection met mid-way, request lost).</summary>
    public long UnmatchedResponses;

    /// <summary>Requests still unanswered when their connection closed.</summary>
    public long UnansweredRequests;

    /// <summary>Requests (or responses) dropped by <see cref="IProtocolHandler.Expire"/>.</summary>
    public long ExpiredMessages;
    public long RecordsEmitted;

    /// <summary>Connections the tracer stopped parsing after <see cref="ProtocolStatus.Unparseable"/> (set by the tracer).</summary>
    public long ConnectionsDisabled;

    public ProtocolStatsSnapshot Snapshot() => new(FramesParsed, ParseErrors, BytesSkipped, UnmatchedResponses,
        UnansweredRequests, ExpiredMessages, RecordsEmitted, ConnectionsDisabled);
}

/// <summary>An immutable copy of <see cref="ProtocolStats"/> for <see cref="SocketTracerStats"/> and /statusz.</summary>
public sealed record ProtocolStatsSnapshot(long FramesParsed, long ParseErrors, long BytesSkipped, long UnmatchedResponses,
    long UnansweredRequests, long ExpiredMessages, long RecordsEmitted, long ConnectionsDisabled);
