using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Http;
using Store = PixieHost.Modules.TableStore.TableStore;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>
/// The user-space half of the socket tracer: turns socket events into http_events and conn_stats rows.
/// <see cref="OnControl"/> and <see cref="OnData"/> update connection trackers (payload bytes are copied: the
/// ring memory is reused after the call); <see cref="OnBatchEnd"/> parses and stitches the trackers that got
/// data and builds rows; <see cref="Flush"/> (Pixie: every 1 s) appends them to the table store and expires
/// idle state; <see cref="FlushConnStats"/> (Pixie: every 10 s) writes the conn_stats counters.
/// Events and <see cref="OnBatchEnd"/> must come from one reader thread, and every batch of events must end with
/// <see cref="OnBatchEnd"/>; the other members may be called from any thread.
/// </summary>
public sealed partial class SocketTracer : ISocketEventSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly SocketTracerOptions _options;
    private readonly Store _store;
    private readonly ITracerEnvironment _env;
    private readonly Dictionary<ConnId, ConnTracker> _trackers = [];
    private readonly Dictionary<uint, (ulong Ticks, long ReadAtNs)> _startTimes = [];
    private readonly HttpFramePool _pool = new();
    private readonly HttpStats _http = new();
    private readonly HttpEventsWriter _writer;
    private readonly ConnStatsTable _connStats = new();
    private readonly Protocols.IProtocolHandler?[] _handlers = new Protocols.IProtocolHandler?[16];
    private readonly List<Protocols.IProtocolHandler> _handlerList = [];
    private List<ConnTracker> _dirty = [];
    private List<ConnTracker> _nextDirty = [];
    private ConnTracker? _last;
    private bool _batchOpen;
    private long _realtimeOffsetNs;
    private long _offsetMeasuredAtNs;
    private Counters _c;

    /// <param name="handlers">Handlers of the protocols other than HTTP/1; null: every built-in one (<see cref="Protocols.ProtocolHandlers"/>).</param>
    public SocketTracer(SocketTracerOptions options, Store store, ITracerEnvironment? environment = null,
        IEnumerable<Protocols.IProtocolHandler>? handlers = null)
    {
        foreach (var h in handlers ?? Protocols.ProtocolHandlers.Create(options))
        {
            _handlers[(int)h.Protocol] = h;
            _handlerList.Add(h);
        }

        _options = options;
        _store = store;
        _env = environment ?? new LinuxTracerEnvironment();
        _writer = new HttpEventsWriter(options.MaxBodyBytes, options.MaxStringBytes);
        _realtimeOffsetNs = _env.RealtimeOffsetNs();
        _offsetMeasuredAtNs = _env.MonotonicNowNs();
    }

    /// <summary>Connections tracked now (open, or closed and lingering).</summary>
    public int TrackerCount
    {
        get
        {
            lock (_gate)
            {
                return _trackers.Count;
            }
        }
    }

    public void OnControl(in SocketControlEvent ev)
    {
        EnterBatch();
        _c.ControlEvents++;
        if (ev.Hdr.Type == SocketEventType.Open)
        {
            Open(ev);
        }
        else if (ev.Hdr.Type == SocketEventType.Close)
        {
            Close(ev);
        }
    }

    public void OnData(in SocketDataEvent ev, ReadOnlySpan<byte> payload)
    {
        EnterBatch();
        _c.DataEvents++;
        _c.BytesSeen += ev.MsgSize;
        _c.BytesCopied += ev.DataSize;
        // Events of one connection come in runs (a request, then its response): skip the lookup.
        var t = _last;
        if ((t is null || !t.Id.Equals(ev.Hdr.Conn)) && !_trackers.TryGetValue(ev.Hdr.Conn, out t))
        {
            _c.DataWithoutOpen++;
            t = Create(ev.Hdr.Conn, ev.Hdr.Role, ev.Hdr.TsNs);
        }

        _last = t;
        AddData(t, ev, payload);
    }

    public void OnBatchEnd()
    {
        EnterBatch();
        try
        {
            foreach (var t in _dirty)
            {
                t.Dirty = false;
                ProcessGuarded(t);
                if (t.HoleWaiting && !t.Dirty)
                {
                    t.Dirty = true;
                    _nextDirty.Add(t);
                }
            }

            _dirty.Clear();
            (_dirty, _nextDirty) = (_nextDirty, _dirty);
        }
        finally
        {
            _batchOpen = false;
            _gate.Exit();
        }
    }

    /// <summary>
    /// The reader thread holds the lock from the first event of a batch to <see cref="OnBatchEnd"/>: one lock
    /// per batch instead of one per event (an uncontended enter/exit was ~5% of the per-record cost). Flush and
    /// the other members wait at most one batch.
    /// </summary>
    private void EnterBatch()
    {
        if (!_batchOpen)
        {
            _gate.Enter();
            _batchOpen = true;
        }
    }

    /// <summary>
    /// Appends the http_events rows built since the last call to the table store, expires idle connections and
    /// stale messages, and refreshes the clock offset when due. Returns the rows appended.
    /// </summary>
    public int Flush()
    {
        List<Modules.TableStore.RowBatch> batches;
        var rows = 0;
        lock (_gate)
        {
            Housekeep(_env.MonotonicNowNs());
            batches = _writer.TakeBatches();
            foreach (var b in batches)
            {
                rows += b.RowCount;
            }

            _c.RecordsFlushed += rows;
        }

        if (rows > 0)
        {
            var table = _store.GetOrAdd(PemSchemas.HttpEvents);
            foreach (var b in batches)
            {
                table.Append(b);
            }
        }

        return rows + FlushProtocols();
    }

    /// <summary>Writes one conn_stats row per (upid, remote address, remote port, role); returns the rows written.</summary>
    public int FlushConnStats()
    {
        var b = new Modules.TableStore.RowBatchBuilder(PemSchemas.ConnStats);
        lock (_gate)
        {
            _connStats.WriteRows(b, _env.MonotonicNowNs() + _realtimeOffsetNs);
            _c.ConnStatsRows += b.RowCount;
        }

        if (b.RowCount > 0)
        {
            _store.GetOrAdd(PemSchemas.ConnStats).Append(b.Build());
        }

        return b.RowCount;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var t in _trackers.Values)
            {
                t.Dispose();
            }

            _trackers.Clear();
        }
    }

    /// <summary>Counters since start (see <see cref="SocketTracerStats"/>).</summary>
    public SocketTracerStats GetStats()
    {
        lock (_gate)
        {
            long dropped = _c.RetiredBytesDropped, gaps = _c.RetiredGaps, gapBytes = _c.RetiredGapBytes, stale = _c.RetiredStale, buffered = 0;
            foreach (var t in _trackers.Values)
            {
                foreach (var s in (ReadOnlySpan<DataStream>)[t.Send, t.Recv])
                {
                    dropped += s.BytesDropped;
                    gaps += s.GapCount;
                    gapBytes += s.GapBytes;
                    stale += s.StaleEvents;
                    buffered += s.BufferedBytes;
                }
            }

            return new SocketTracerStats
            {
                ControlEvents = _c.ControlEvents,
                DataEvents = _c.DataEvents,
                DataWithoutOpen = _c.DataWithoutOpen,
                BytesSeen = _c.BytesSeen,
                BytesCopied = _c.BytesCopied,
                BytesDropped = dropped,
                Gaps = gaps,
                GapBytes = gapBytes,
                StaleEvents = stale,
                FramesParsed = _http.FramesParsed,
                ParseErrors = _http.ParseErrors,
                Resyncs = _http.Resyncs,
                BytesSkipped = _http.BytesSkipped,
                IncompleteFrames = _http.IncompleteFrames,
                InformationalResponses = _http.InformationalResponses,
                UnmatchedResponses = _http.UnmatchedResponses,
                ExpiredRequests = _http.ExpiredRequests,
                UnansweredRequests = _http.UnansweredRequests,
                RecordsEmitted = _http.RecordsEmitted,
                RecordsFlushed = _c.RecordsFlushed,
                ConnStatsRowsWritten = _c.ConnStatsRows,
                RolesInferred = _c.RolesInferred,
                ParsingDisabled = _c.ParsingDisabled,
                ProtocolsWithoutHandler = _c.ProtocolsWithoutHandler,
                ActiveTrackers = _trackers.Count,
                TrackersCreated = _c.TrackersCreated,
                TrackersClosed = _c.TrackersClosed,
                TrackersExpired = _c.TrackersExpired,
                BufferedBytes = buffered,
                InternalErrors = _c.InternalErrors,
                Protocols = ProtocolStatsSnapshot(),
            };
        }
    }

    /// <summary>The tracker of <paramref name="id"/>, for tests and diagnostics.</summary>
    public ConnTracker? FindTracker(ConnId id)
    {
        lock (_gate)
        {
            return _trackers.GetValueOrDefault(id);
        }
    }

    private struct Counters
    {
        public long ControlEvents;
        public long DataEvents;
        public long DataWithoutOpen;
        public long BytesSeen;
        public long BytesCopied;
        public long RecordsFlushed;
        public long ConnStatsRows;
        public long RolesInferred;
        public long ParsingDisabled;
        public long TrackersCreated;
        public long TrackersClosed;
        public long TrackersExpired;
        public long RetiredBytesDropped;
        public long RetiredGaps;
        public long RetiredGapBytes;
        public long RetiredStale;
        public long InternalErrors;
        public long ProtocolRecordsFlushed;
        public long ProtocolsWithoutHandler;
    }
}
