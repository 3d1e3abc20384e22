namespace PixieHost.Modules.Pem.NetworkStats;

/// <summary>Counters of one network namespace: the sum over its interfaces but loopback, from /proc/PID/net/dev.</summary>
public readonly record struct NetDevTotals(
    long RxBytes, long RxPackets, long RxErrors, long RxDrops, long TxBytes, long TxPackets, long TxErrors, long TxDrops);

/// <summary>Parser of /proc/PID/net/dev (two header lines, then "iface: 16 counters" per interface).</summary>
public static class NetDev
{
    /// <summary>
    /// Sums every interface except <c>lo</c> (traffic that never leaves the namespace, as Pixie counts it).
    /// Malformed lines are skipped; false when no interface line parsed at all.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NetDevTotals totals)
    {
        totals = default;
        Span<long> v = stackalloc long[16];
        Span<long> sum = stackalloc long[16];
        var any = false;
        foreach (var range in text.Split('\n'))
        {
            var line = text[range];
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            if (name.IsEmpty || name.Contains('|') || !TryFields(line[(colon + 1)..], v))
            {
                continue;
            }

            any = true;
            if (name.SequenceEqual("lo"))
            {
                continue;
            }

            for (var i = 0; i < 16; i++)
            {
                sum[i] += v[i];
            }
        }

        // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop ...
        totals = new NetDevTotals(sum[0], sum[1], sum[2], sum[3], sum[8], sum[9], sum[10], sum[11]);
        return any;
    }

    private static bool TryFields(ReadOnlySpan<char> rest, Span<long> values)
    {
        var n = 0;
        foreach (var r in rest.Split(' '))
        {
            var f = rest[r];
            if (f.IsEmpty)
            {
                continue;
            }

            if (n == values.Length || !long.TryParse(f, out values[n]))
            {
                return false;
            }

            n++;
        }

        return n == values.Length;
    }
}
