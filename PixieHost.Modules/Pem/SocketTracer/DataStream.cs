using System.Buffers;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>
/// One direction of a connection, reassembled by stream position. Copied bytes live in one pooled buffer, in
/// position order; a segment list maps them to positions and keeps each event's timestamp. What lies between
/// two segments is a <em>hole</em> (bytes may still arrive out of order) until <see cref="EndBatch"/> has seen it
/// for <see cref="ReorderWindowBatches"/> batches, then a <em>gap</em>: bytes that will never come (events lost,
/// or the kernel copied only a prefix of a syscall, <c>data_size &lt; msg_size</c>). Gaps take no buffer space.
/// Parsers read <see cref="Contiguous"/>, the bytes from the head up to the first hole or gap, and step over a
/// gap with <see cref="SkipGap"/>.
/// </summary>
public sealed partial class DataStream : IDisposable
{
    private byte[] _buf = [];
    private int _bufStart;
    private int _bufEnd;
    private Segment[] _segs = new Segment[8];
    private int _segHead;
    private int _segCount;
    private ulong _headPos;
    private bool _started;

    // Contiguous data from the head: bytes, and the index (relative to _segHead) just past its last segment.
    private int _runBytes;
    private int _runSegs;
    private int _holeAge;

    public DataStream(int capacityBytes = 1 << 20, int reorderWindowBatches = 2)
    {
        CapacityBytes = capacityBytes;
        ReorderWindowBatches = reorderWindowBatches;
    }

    /// <summary>Most bytes buffered; beyond, the oldest are dropped (Pixie: <c>PL_DATASTREAM_BUFFER_SIZE</c>, 1 MiB).</summary>
    public int CapacityBytes { get; }

    /// <summary>Batches a hole may wait for its bytes before it is declared a gap.</summary>
    public int ReorderWindowBatches { get; }

    /// <summary>Stream position of the next byte to parse.</summary>
    public ulong HeadPosition => _headPos;

    /// <summary>Position of the first byte ever seen; &gt; 0 when the stream was met mid-way.</summary>
    public ulong FirstPosition { get; private set; }

    public bool HasStarted => _started;

    /// <summary>Set when the head may be inside a message (met mid-way, bytes dropped, gap): parsers must resync.</summary>
    public bool NeedsResync { get; set; }

    /// <summary>The connection closed: no bytes will be added; holes left are gaps.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Bytes held in the buffer (copied payload not yet consumed).</summary>
    public int BufferedBytes => _bufEnd - _bufStart;

    /// <summary>Nothing left: no bytes, holes or gaps after the head.</summary>
    public bool IsEmpty => _segCount == 0;

    public long BytesAdded { get; private set; }

    /// <summary>Bytes thrown away because the buffer was full or an event overlapped bytes already held.</summary>
    public long BytesDropped { get; private set; }

    /// <summary>Bytes that never arrived (gaps skipped).</summary>
    public long GapBytes { get; private set; }

    public int GapCount { get; private set; }

    /// <summary>Events that arrived behind the head (already parsed or skipped) and were ignored.</summary>
    public long StaleEvents { get; private set; }

    /// <summary>The bytes from the head up to the first hole, gap, or the end.</summary>
    public ReadOnlySpan<byte> Contiguous
    {
        get
        {
            ExtendRun();
            return _buf.AsSpan(_bufStart, _runBytes);
        }
    }

    /// <summary>Timestamp of the event that holds the byte at the head.</summary>
    public ulong HeadTimestampNs => _segCount == 0 ? 0 : _segs[_segHead].TsNs;

    /// <summary>Length of the gap at the head, once the contiguous bytes are consumed; 0 when there is none (yet).</summary>
    public ulong GapAtHead
    {
        get
        {
            ExtendRun();
            if (_runBytes > 0 || _segCount == 0)
            {
                return 0;
            }

            ref var s = ref _segs[_segHead];
            return s.IsGap && s.Pos == _headPos ? (ulong)s.Len : 0;
        }
    }

    /// <summary>The contiguous bytes end where a known gap starts (they cannot be completed).</summary>
    public bool ContiguousEndsAtGap
    {
        get
        {
            ExtendRun();
            return _runSegs < _segCount && Seg(_runSegs).IsGap;
        }
    }

    /// <summary>Nothing follows the contiguous bytes: no hole, gap or later bytes.</summary>
    public bool NothingAfterContiguous
    {
        get
        {
            ExtendRun();
            return _runSegs >= _segCount;
        }
    }

    /// <summary>Marks the stream closed (the close event arrived); holes left become gaps at the next batch end.</summary>
    public void Close() => IsClosed = true;

    public void Dispose()
    {
        if (_buf.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = [];
        }

        _bufStart = _bufEnd = 0;
        _segCount = _segHead = 0;
        _runBytes = _runSegs = 0;
    }

    private struct Segment
    {
        public ulong Pos;
        public long Len;
        public ulong TsNs;
        public bool IsGap;

        public readonly ulong End => Pos + (ulong)Len;
    }
}
