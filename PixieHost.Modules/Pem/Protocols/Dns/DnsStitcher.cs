namespace PixieHost.Modules.Pem.Protocols.Dns;

/// <summary>
/// Pairs responses with queries by transaction id (resolvers answer out of order, and a socket may have many
/// queries in flight). Bounded: past <see cref="MaxPending"/> the oldest query is dropped and counted in
/// <see cref="ProtocolStats.ExpiredMessages"/>.
/// </summary>
public sealed class DnsStitcher
{
    /// <summary>Queries waiting per socket; a stub resolver has a handful in flight, a forwarder's upstream socket hundreds.</summary>
    public const int MaxPending = 1024;

    // In arrival order: small in practice, so a scan beats a dictionary of lists (and keeps expiry FIFO).
    private readonly List<DnsRequest> _pending = [];

    public int PendingCount => _pending.Count;

    public void Add(DnsRequest request, ProtocolStats stats)
    {
        if (_pending.Count >= MaxPending)
        {
            _pending.RemoveAt(0);
            stats.ExpiredMessages++;
        }

        _pending.Add(request);
    }

    /// <summary>The oldest pending query with <paramref name="txid"/> (removed), or null.</summary>
    public DnsRequest? Match(ushort txid)
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            if (_pending[i].TxId == txid)
            {
                var r = _pending[i];
                _pending.RemoveAt(i);
                return r;
            }
        }

        return null;
    }

    /// <summary>Drops queries sent before <paramref name="olderThanNs"/>; returns how many.</summary>
    public int Expire(ulong olderThanNs)
    {
        var n = 0;
        while (n < _pending.Count && _pending[n].TimestampNs < olderThanNs)
        {
            n++;
        }

        _pending.RemoveRange(0, n);
        return n;
    }

    /// <summary>Forgets every pending query; returns how many there were.</summary>
    public int Clear()
    {
        var n = _pending.Count;
        _pending.Clear();
        return n;
    }
}
