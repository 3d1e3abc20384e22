namespace PixieHost.Modules.Metadata;

/// <summary>
/// Parses /proc/PID/cgroup (v1 and v2) for the container id, runtime, Kubernetes pod UID and systemd unit.
/// Recognised layouts: docker (<c>/docker/ID</c>, <c>docker-ID.scope</c>), containerd (<c>cri-containerd-ID.scope</c>),
/// cri-o (<c>crio-ID.scope</c>), podman (<c>libpod-ID.scope</c>), kubepods with the systemd or cgroupfs driver.
/// The conmon monitors of cri-o and podman (<c>*-conmon-ID.scope</c>) are not containers.
/// </summary>
public static class CgroupParser
{
    private const int IdLength = 64;

    private static readonly (string Prefix, ContainerRuntime Runtime)[] Prefixes =
    [
        ("docker-", ContainerRuntime.Docker),
        ("cri-containerd-", ContainerRuntime.Containerd),
        ("crio-", ContainerRuntime.CriO),
        ("libpod-", ContainerRuntime.Podman),
    ];

    /// <summary>Parses the whole file: the v2 line ("0::/…") when present, else the v1 line that names a container, else name=systemd.</summary>
    public static CgroupInfo Parse(string cgroupFile)
    {
        string? v2 = null;
        string? systemd = null;
        string? first = null;
        foreach (var raw in cgroupFile.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var a = raw.IndexOf(':');
            var b = a < 0 ? -1 : raw.IndexOf(':', a + 1);
            if (b < 0)
            {
                continue;
            }

            var controllers = raw[(a + 1)..b];
            var path = raw[(b + 1)..];
            first ??= path;
            if (raw.StartsWith("0::", StringComparison.Ordinal))
            {
                v2 = path;
            }
            else if (controllers == "name=systemd")
            {
                systemd = path;
            }
            else if (ParsePath(path).InContainer)
            {
                return ParsePath(path);
            }
        }

        // Hybrid hosts have a v2 line of "/" beside real v1 paths; prefer a path that says something.
        var chosen = v2 is not null && v2 != "/" ? v2 : systemd ?? v2 ?? first;
        return chosen is null ? new CgroupInfo(string.Empty, string.Empty, ContainerRuntime.None, string.Empty, string.Empty) : ParsePath(chosen);
    }

    /// <summary>Parses one cgroup path.</summary>
    public static CgroupInfo ParsePath(string path)
    {
        var id = string.Empty;
        var runtime = ContainerRuntime.None;
        var podUid = string.Empty;
        var unit = string.Empty;
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryContainer(segment, path, out var cid, out var rt))
            {
                id = cid;
                runtime = rt;
            }
            else if (TryPodUid(segment, out var uid))
            {
                podUid = uid;
            }
            else if (segment.EndsWith(".service", StringComparison.Ordinal) && !segment.StartsWith("user@", StringComparison.Ordinal))
            {
                unit = segment[..^".service".Length];
            }
        }

        // A container's own processes are not the systemd unit that started the runtime.
        return new CgroupInfo(path, id, runtime, podUid, id.Length > 0 ? string.Empty : unit);
    }

    private static bool TryContainer(string segment, string path, out string id, out ContainerRuntime runtime)
    {
        var s = segment.EndsWith(".scope", StringComparison.Ordinal) ? segment[..^".scope".Length] : segment;
        foreach (var (prefix, rt) in Prefixes)
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal) && IsId(s.AsSpan(prefix.Length)))
            {
                id = s[prefix.Length..];
                runtime = rt;
                return true;
            }
        }

        if (IsId(s))
        {
            id = s;
            runtime = path.Contains("/docker/", StringComparison.Ordinal) ? ContainerRuntime.Docker
                : path.Contains("crio", StringComparison.Ordinal) ? ContainerRuntime.CriO
                : path.Contains("containerd", StringComparison.Ordinal) ? ContainerRuntime.Containerd
                : ContainerRuntime.Unknown;
            return true;
        }

        id = string.Empty;
        runtime = ContainerRuntime.None;
        return false;
    }

    /// <summary>"kubepods-burstable-pod1a2b_…slice" (systemd driver) or "pod1a2b-…" (cgroupfs driver).</summary>
    private static bool TryPodUid(string segment, out string uid)
    {
        uid = string.Empty;
        var s = segment.EndsWith(".slice", StringComparison.Ordinal) ? segment[..^".slice".Length] : segment;
        var at = s.LastIndexOf("pod", StringComparison.Ordinal);
        if (at < 0 || (at > 0 && s[at - 1] != '-'))
        {
            return false;
        }

        var candidate = s[(at + 3)..].Replace('_', '-');
        if (!Guid.TryParseExact(candidate, "D", out _))
        {
            return false;
        }

        uid = candidate;
        return true;
    }

    private static bool IsId(ReadOnlySpan<char> s)
    {
        if (s.Length != IdLength)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
