namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>Finds libpxbpf.so: an explicit path, next to the application, or the native build output of a checkout.</summary>
internal static class NativeLibraryLocator
{
    public const string PxbpfFile = "libpxbpf.so";
    public const string LibbpfName = "libbpf.so.1";

    /// <summary>Environment variable that overrides the search with a full path to libpxbpf.so.</summary>
    public const string PathVariable = "PIXIE_PXBPF_PATH";

    /// <summary>The first existing candidate, or null.</summary>
    public static string? FindPxbpf()
    {
        foreach (string candidate in Candidates(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(PathVariable)))
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Search order: the override, the application directory, then PixieHost.Ebpf.Native/out in each parent (dev and test runs).</summary>
    internal static IEnumerable<string> Candidates(string baseDirectory, string? overridePath)
    {
        if (!string.IsNullOrEmpty(overridePath))
        {
            yield return overridePath;
        }

        yield return Path.Combine(baseDirectory, PxbpfFile);
        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            yield return Path.Combine(dir.FullName, "PixieHost.Ebpf.Native", "out", PxbpfFile);
        }
    }
}
