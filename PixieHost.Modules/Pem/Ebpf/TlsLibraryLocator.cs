using System.Runtime.InteropServices;

namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>
/// The OpenSSL libssl files the TLS uprobes attach to. A uprobe on a file applies to every process that maps it,
/// so one attach per distinct file (by device and inode: the same library is often reachable through /lib and /usr/lib).
/// </summary>
public static class TlsLibraryLocator
{
    /// <summary>Where Debian, Ubuntu, Fedora and Alpine put the shared libssl.</summary>
    public static readonly string[] DefaultDirectories =
        ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib"];

    public static readonly string[] DefaultNames = ["libssl.so.3", "libssl.so.1.1"];

    /// <summary>
    /// The files to attach to: <paramref name="configured"/> when set ("none" alone disables), else the default names
    /// found in the default directories, each file once.
    /// </summary>
    public static List<string> Find(IReadOnlyList<string>? configured)
    {
        if (configured is { Count: 1 } && string.Equals(configured[0], "none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        IEnumerable<string> candidates = configured is { Count: > 0 }
            ? configured
            : DefaultDirectories.SelectMany(d => DefaultNames.Select(n => Path.Combine(d, n)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<string>();
        foreach (var path in candidates)
        {
            if (!File.Exists(path))
            {
                continue;
            }

            // /lib -> /usr/lib on merged-/usr systems makes two names for one file.
            if (seen.Add(RealPath(path)))
            {
                found.Add(path);
            }
        }

        return found;
    }

    /// <summary>The path with every symbolic link resolved (libc realpath), or the full path when that fails.</summary>
    public static string RealPath(string path)
    {
        nint p = realpath(path, 0);
        if (p == 0)
        {
            return Path.GetFullPath(path);
        }

        try
        {
            return Marshal.PtrToStringUTF8(p) ?? path;
        }
        finally
        {
            free(p);
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern nint realpath(string path, nint resolved);

    [DllImport("libc")]
    private static extern void free(nint p);
}
