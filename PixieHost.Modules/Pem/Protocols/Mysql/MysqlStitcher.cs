namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>One command waiting for its response: the command byte and the first bytes of its payload.</summary>
public sealed class MysqlRequest
{
    private byte[] _body = new byte[64];

    public byte Command { get; private set; }

    public ulong TimestampNs { get; private set; }

    /// <summary>The payload after the command byte, cut to the bytes kept.</summary>
    public ReadOnlySpan<byte> Body => _body.AsSpan(0, BodyLength);

    public int BodyLength { get; private set; }

    /// <summary>The whole payload length after the command byte (more than <see cref="BodyLength"/> when cut).</summary>
    public long FullLength { get; private set; }

    /// <summary>Fills the request: <paramref name="body"/> is the payload after the command byte (maybe cut), <paramref name="fullLength"/> its whole length.</summary>
    public void Set(byte command, ReadOnlySpan<byte> body, long fullLength, ulong timestampNs, int keep)
    {
        Command = command;
        TimestampNs = timestampNs;
        FullLength = fullLength;
        var n = Math.Min(body.Length, keep);
        if (_body.Length < n)
        {
            _body = new byte[Math.Max(n, _body.Length * 2)];
        }

        body[..n].CopyTo(_body);
        BodyLength = n;
    }
}

/// <summary>
/// Pairs the commands of one connection with their responses in FIFO order (MySQL answers one command at a time,
/// in order; a pipelining client still gets answers in order). The queue is bounded: when full, the oldest request
/// is dropped and counted. Requests are recycled through a small free list.
/// </summary>
public sealed class MysqlStitcher(int maxPending = 256)
{
    private readonly Queue<MysqlRequest> _pending = new();
    private readonly Stack<MysqlRequest> _free = new();

    public int PendingRequests => _pending.Count;

    public int MaxPending => maxPending;

    /// <summary>A request object to fill (then <see cref="Enqueue"/>, or <see cref="Return"/>).</summary>
    public MysqlRequest Rent() => _free.TryPop(out var r) ? r : new MysqlRequest();

    public void Return(MysqlRequest r)
    {
        if (_free.Count < 16)
        {
            _free.Push(r);
        }
    }

    /// <summary>Queues a request; false when the oldest one had to be dropped to make room.</summary>
    public bool Enqueue(MysqlRequest r)
    {
        var dropped = false;
        if (_pending.Count >= maxPending)
        {
            Return(_pending.Dequeue());
            dropped = true;
        }

        _pending.Enqueue(r);
        return dropped;
    }

    public bool TryPeek(out MysqlRequest r) => _pending.TryPeek(out r!);

    public MysqlRequest Dequeue() => _pending.Dequeue();

    /// <summary>The second pending request was sent at or before <paramref name="tsNs"/>.</summary>
    public bool SecondSentBy(ulong tsNs)
    {
        var i = 0;
        foreach (var r in _pending)
        {
            if (i++ == 1)
            {
                return r.TimestampNs <= tsNs;
            }
        }

        return false;
    }

    /// <summary>Drops requests older than <paramref name="oldestKeptNs"/>; returns how many.</summary>
    public int Expire(ulong oldestKeptNs)
    {
        var n = 0;
        while (_pending.TryPeek(out var r) && r.TimestampNs < oldestKeptNs)
        {
            Return(_pending.Dequeue());
            n++;
        }

        return n;
    }

    /// <summary>Drops every pending request; returns how many.</summary>
    public int Clear()
    {
        var n = _pending.Count;
        while (_pending.TryDequeue(out var r))
        {
            Return(r);
        }

        return n;
    }
}
