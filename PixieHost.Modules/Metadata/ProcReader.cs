using System.Text;
using PixieHost.Modules.Pem.ProcessStats;

namespace PixieHost.Modules.Metadata;

/// <summary>The /proc files metadata needs, read as text (cold path: once per new process).</summary>
public sealed class ProcReader(ProcFs proc)
{
    private const int MaxFileBytes = 64 * 1024;

    public ProcFs Proc { get; } = proc;

    /// <summary>/proc/PID/cmdline, NUL-separated arguments joined by spaces; "" for kernel threads or when unreadable.</summary>
    public string Cmdline(int pid) => Read(pid, "cmdline")?.TrimEnd('\0').Replace('\0', ' ') ?? string.Empty;

    /// <summary>/proc/PID/comm without the newline.</summary>
    public string Comm(int pid) => Read(pid, "comm")?.TrimEnd('\n') ?? string.Empty;

    public string Cgroup(int pid) => Read(pid, "cgroup") ?? string.Empty;

    /// <summary>One variable of /proc/PID/environ (readable by the owner and root only), or "".</summary>
    public string Environment(int pid, string name)
    {
        var env = Read(pid, "environ");
        if (env is null)
        {
            return string.Empty;
        }

        var prefix = name + "=";
        foreach (var entry in env.Split('\0'))
        {
            if (entry.StartsWith(prefix, StringComparison.Ordinal))
            {
                return entry[prefix.Length..];
            }
        }

        return string.Empty;
    }

    /// <summary>A file inside the process's root filesystem (needs root for other users' containers), or "".</summary>
    public string RootFile(int pid, string path) => ReadPath($"{Proc.Root}/{pid}/root/{path.TrimStart('/')}")?.Trim() ?? string.Empty;

    /// <summary>The network namespace of a process ("net:[4026531840]"), or "" when unreadable.</summary>
    public string NetNamespace(int pid)
    {
        try
        {
            return new FileInfo($"{Proc.Root}/{pid}/ns/net").LinkTarget ?? string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>The non-loopback IPv4 addresses local to the process's network namespace (/proc/PID/net/fib_trie).</summary>
    public IReadOnlyList<string> LocalAddresses(int pid) => FibTrie.LocalAddresses(Read(pid, "net/fib_trie") ?? string.Empty);

    /// <summary>System boot time ("btime" of /proc/stat), ns since the Unix epoch; 0 when unreadable.</summary>
    public long BootTimeNs()
    {
        var stat = ReadPath($"{Proc.Root}/stat");
        foreach (var line in stat?.Split('\n') ?? [])
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(6), out var s))
            {
                return s * 1_000_000_000L;
            }
        }

        return 0;
    }

    private string? Read(int pid, string file) => ReadPath($"{Proc.Root}/{pid}/{file}");

    private static string? ReadPath(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            var buffer = new byte[MaxFileBytes];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0)
            {
                total += n;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
