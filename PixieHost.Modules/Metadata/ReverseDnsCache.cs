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
    public string Lookup(string ip, DateTimeOffset deadline)
    {
        if (!IPAddress.TryParse(ip, out var address))
        {
            return ip;
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

        var task = entry.Name;
        if (!task.IsCompleted)
        {
            var wait = deadline - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    task.Wait(wait);
                }
                catch (AggregateException)
                {
                    // Start never faults; a cancelled wait just means "not yet".
                }
            }
        }

        return task.IsCompletedSuccessfully ? task.Result : ip;
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
