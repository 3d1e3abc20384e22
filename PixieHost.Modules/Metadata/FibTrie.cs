namespace PixieHost.Modules.Metadata;

/// <summary>Reads the addresses a network namespace owns from /proc/PID/net/fib_trie ("|-- 172.17.0.2" then "/32 host LOCAL").</summary>
public static class FibTrie
{
    public static IReadOnlyList<string> LocalAddresses(string fibTrie)
    {
        var result = new List<string>();
        string? last = null;
        foreach (var raw in fibTrie.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("|-- ", StringComparison.Ordinal))
            {
                last = line[4..];
            }
            else if (last is not null && line.StartsWith("/32 host LOCAL", StringComparison.Ordinal))
            {
                if (!last.StartsWith("127.", StringComparison.Ordinal) && !result.Contains(last))
                {
                    result.Add(last);
                }

                last = null;
            }
        }

        return result;
    }
}
