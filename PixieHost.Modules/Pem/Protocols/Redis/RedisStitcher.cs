namespace PixieHost.Modules.Pem.Protocols.Redis;

/// <summary>
/// Pairs replies with commands in FIFO order (Redis answers in order, pipelined or not). The queue is bounded:
/// a connection that only ever sends (replies lost) drops its oldest commands, counted in
/// <see cref="ProtocolStats.ExpiredMessages"/>. Pushed pub/sub messages are not paired (see <see cref="RedisHandler"/>).
/// </summary>
public sealed class RedisStitcher
{
    /// <summary>Commands waiting per connection; redis-benchmark -P 16 keeps 16 in flight, MULTI blocks a few hundred.</summary>
    public const int MaxPending = 1024;

    private readonly Queue<RedisRequest> _pending = new();

    public int PendingCount => _pending.Count;

    public void Add(RedisRequest request, ProtocolStats stats)
    {
        if (_pending.Count >= MaxPending)
        {
            _pending.Dequeue();
            stats.ExpiredMessages++;
        }

        _pending.Enqueue(request);
    }

    /// <summary>
    /// The command a reply answers, or null when there is none (<paramref name="absorbed"/> when the reply was
    /// one of a SUBSCRIBE's extra confirmations and makes no row).
    /// </summary>
    public RedisRequest? Match(out bool absorbed)
    {
        absorbed = false;
        if (!_pending.TryPeek(out var head))
        {
            return null;
        }

        if (head.Answered)
        {
            absorbed = true;
            if (--head.ExtraReplies <= 0)
            {
                _pending.Dequeue();
            }

            return null;
        }

        if (head.ExtraReplies > 0)
        {
            head.Answered = true;
        }
        else
        {
            _pending.Dequeue();
        }

        return head;
    }

    /// <summary>Drops commands sent before <paramref name="olderThanNs"/>; returns how many.</summary>
    public int Expire(ulong olderThanNs)
    {
        var n = 0;
        while (_pending.TryPeek(out var head) && head.TimestampNs < olderThanNs)
        {
            _pending.Dequeue();
            n++;
        }

        return n;
    }

    /// <summary>Forgets every pending command (the connection closed); returns how many were unanswered.</summary>
    public int Clear()
    {
        var n = 0;
        foreach (var r in _pending)
        {
            n += r.Answered ? 0 : 1;
        }

        _pending.Clear();
        return n;
    }
}
