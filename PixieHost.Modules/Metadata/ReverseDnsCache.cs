using System.Collections.Concurrent;
using System.Net;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// Reverse DNS for px.nslookup with a cache. A miss starts a lookup in the background and waits for it at most
/// until the caller's deadline; until the answer arrives the IP itself is the answer (Pixie's nslookup also
/// answers the IP when there is no name), so a slow resolver never stalls a batch for long.
/// </summary>
public sealed class ReverseDnsCache(TimeSpan cacheFor, TimeProvider time, Func<IPAddress, Task<string>>? resolve = null)
{
    /// <summary>Bounds the cache: a scan of many distinct IPs clears it rather than growing without limit.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<IPAddress, Task<string>> _resolve = resolve ?? (async ip => (await Dns.GetHostEntryAsync(ip).ConfigureAwait(false)).HostName);

    /// <summary>The name of <paramref name="ip"/>, waiting for a lookup in flight until <paramref name="deadline"/> at most.</summary>
    public string Lookup(string ip, DateTimeOffset deadline) => Lookup([ip], deadline)[0];

    /// <summary>
    /// The names of <paramref name="ips"/>: every miss starts its lookup, then all are awaited together until
    /// <paramref name="deadline"/> at most, so a batch of many unknown IPs waits once, not once per IP.
    /// </summary>
    public IReadOnlyList<string> Lookup(IReadOnlyList<string> ips, DateTimeOffset deadline)
    {
        var tasks = new Task<string>[ips.Count];
        var pending = new List<Task>();
        for (var i = 0; i < ips.Count; i++)
        {
            tasks[i] = EntryFor(ips[i]);
            if (!tasks[i].IsCompleted)
            {
                pending.Add(tasks[i]);
            }
        }

        var wait = deadline - time.GetUtcNow();
        if (pending.Count > 0 && wait > TimeSpan.Zero)
        {
            try
            {
                Task.WaitAll([.. pending], wait);
            }
            catch (AggregateException)
            {
                // A resolver that failed in an unexpected way: those IPs answer themselves below.
            }
        }

        var names = new string[ips.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = tasks[i].IsCompletedSuccessfully ? tasks[i].Result : ips[i];
        }

        return names;
    }

    private Task<string> EntryFor(string ip)
    {
        if (!IPAddress.TryParse(ip, out var address))
        {
            return Task.FromResult(ip);
        }

        var now = time.GetUtcNow();
        if (!_entries.TryGetValue(ip, out var entry) || entry.Expires <= now)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            entry = new Entry(Start(address, ip), now + cacheFor);
            _entries[ip] = entry;
        }

        return entry.Name;
    }

    private async Task<string> Start(IPAddress address, string ip)
    {
        try
        {
            var name = await _resolve(address).ConfigureAwait(false);
            return string.IsNullOrEmpty(name) ? ip : name;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ArgumentException or TimeoutException)
        {
            return ip;
        }
    }

    private sealed record Entry(Task<string> Name, DateTimeOffset Expires);
}
