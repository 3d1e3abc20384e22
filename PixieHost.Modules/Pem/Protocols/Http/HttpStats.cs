namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>Counters of the HTTP parsing and stitching, updated on the tracer thread.</summary>
public sealed class HttpStats
{
    public long FramesParsed;
    public long ParseErrors;
    public long Resyncs;

    /// <summary>Bytes stepped over while looking for the start of a message.</summary>
    public long BytesSkipped;

    /// <summary>Messages dropped unfinished: cut by a gap in their head or chunk framing, or by the close.</summary>
    public long IncompleteFrames;
    public long InformationalResponses;

    /// <summary>Responses without a request (connection met mid-stream, request lost).</summary>
    public long UnmatchedResponses;

    /// <summary>Requests whose response did not arrive within the message expiry (Pixie: 60 s).</summary>
    public long ExpiredRequests;

    /// <summary>Requests still unanswered when their connection closed.</summary>
    public long UnansweredRequests;
    public long RecordsEmitted;
}

/// <summary>Frames for reuse: a parsed frame lives until its record is written, then comes back here.</summary>
public sealed class HttpFramePool(int maxRetained = 4096)
{
    private readonly Stack<HttpFrame> _free = new();

    public HttpFrame Rent() => _free.TryPop(out var f) ? f : new HttpFrame();

    public void Return(HttpFrame frame)
    {
        // No reset here: ParseHead resets a frame before it fills it.
        if (_free.Count < maxRetained)
        {
            _free.Push(frame);
        }
    }
}

/// <summary>A FIFO of frames with indexed access (pipelined requests are looked up by position).</summary>
internal sealed class FrameQueue
{
    // Capacity stays a power of two so indices wrap with a mask.
    private HttpFrame[] _items = new HttpFrame[4];
    private int _head;

    public int Count { get; private set; }

    public HttpFrame this[int i] => _items[(_head + i) & (_items.Length - 1)];

    public void Enqueue(HttpFrame f)
    {
        if (Count == _items.Length)
        {
            var bigger = new HttpFrame[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                bigger[i] = this[i];
            }

            _items = bigger;
            _head = 0;
        }

        _items[(_head + Count) & (_items.Length - 1)] = f;
        Count++;
    }

    public HttpFrame Dequeue()
    {
        var f = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return f;
    }
}
