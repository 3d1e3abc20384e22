using System.Globalization;
using System.Runtime.InteropServices;

namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>One reason eBPF capture cannot start here, and what to do about it.</summary>
/// <param name="Problem">What is wrong, e.g. "missing capability CAP_BPF".</param>
/// <param name="Fix">The command or setting that fixes it.</param>
public sealed record EbpfProblem(string Problem, string Fix)
{
    public override string ToString() => $"{Problem}. Fix: {Fix}";
}

/// <summary>
/// Checks, before loading anything, what the socket tracer needs: Linux, privileges, kernel BTF, syscall tracepoints
/// in tracefs, libbpf and libpxbpf.
/// </summary>
public static class EbpfPreflight
{
    internal const int CapSysAdmin = 21;
    internal const int CapPerfmon = 38;
    internal const int CapBpf = 39;
    internal const string KernelBtfPath = "/sys/kernel/btf/vmlinux";
    internal const string TracefsPath = "/sys/kernel/tracing";
    internal const string TracefsMountCommand = "mount -t tracefs nodev /sys/kernel/tracing";
    private const string DebugfsTracingPath = "/sys/kernel/debug/tracing";

    /// <summary>Problems found; empty when the tracer can be expected to load.</summary>
    public static IReadOnlyList<EbpfProblem> Check()
    {
        var problems = new List<EbpfProblem>();
        if (!OperatingSystem.IsLinux())
        {
            problems.Add(new EbpfProblem($"eBPF capture needs Linux; this is {RuntimeInformation.OSDescription}", "run the PEM on a Linux node"));
            return problems;
        }

        string status = ReadOrEmpty("/proc/self/status");
        ulong caps = ParseCapEff(status);
        problems.AddRange(CapabilityProblems(ParseStatusField(status, "Uid:"), caps));
        if (TracefsProblem(TracefsState(), canMount: (caps & (1UL << CapSysAdmin)) != 0) is { } tracefs)
        {
            problems.Add(tracefs);
        }

        if (!File.Exists(KernelBtfPath))
        {
            problems.Add(new EbpfProblem(
                $"the kernel exposes no BTF type information ({KernelBtfPath} is missing)",
                "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (default on Debian 11+, Ubuntu 20.10+, RHEL 8.2+)"));
        }

        if (!NativeLibrary.TryLoad(NativeLibraryLocator.LibbpfName, out nint libbpf))
        {
            problems.Add(new EbpfProblem($"{NativeLibraryLocator.LibbpfName} is not installed", "apt-get install libbpf1"));
        }
        else
        {
            NativeLibrary.Free(libbpf);
        }

        if (NativeLibraryLocator.FindPxbpf() is null)
        {
            problems.Add(new EbpfProblem(
                $"{NativeLibraryLocator.PxbpfFile} was not found next to the application or in PixieHost.Ebpf.Native/out",
                $"build it with `make -C PixieHost.Ebpf.Native` (or the Cake build), or set {NativeLibraryLocator.PathVariable} to its path"));
        }

        return problems;
    }

    /// <summary>What /sys/kernel/tracing offers: the syscall tracepoints, tracefs without them, or nothing mounted.</summary>
    internal enum Tracefs
    {
        SyscallEvents,
        NoSyscallEvents,
        NotMounted,
    }

    internal static Tracefs TracefsState()
    {
        foreach (string root in new[] { TracefsPath, DebugfsTracingPath })
        {
            if (Directory.Exists(Path.Combine(root, "events", "syscalls")))
            {
                return Tracefs.SyscallEvents;
            }
        }

        return Directory.Exists(Path.Combine(TracefsPath, "events")) ? Tracefs.NoSyscallEvents : Tracefs.NotMounted;
    }

    /// <summary>The tracefs problem, if any. Not mounted is fine when this process may mount it (the probe does, on attach).</summary>
    internal static EbpfProblem? TracefsProblem(Tracefs state, bool canMount) => state switch
    {
        Tracefs.NotMounted when !canMount => new EbpfProblem(
            $"tracefs is not mounted at {TracefsPath} and this process may not mount it",
            $"run `{TracefsMountCommand}` as root (in a container, mount the host's {TracefsPath})"),
        Tracefs.NoSyscallEvents => new EbpfProblem(
            "the kernel has no syscall tracepoints (tracefs has no events/syscalls)",
            "use a kernel built with CONFIG_FTRACE_SYSCALLS=y"),
        _ => null,
    };

    /// <summary>Privilege problems given the effective uid (null if unknown) and the effective capability mask.</summary>
    internal static IEnumerable<EbpfProblem> CapabilityProblems(string? effectiveUid, ulong capEff)
    {
        bool has(int cap) => (capEff & (1UL << cap)) != 0;
        if (has(CapSysAdmin) || (has(CapBpf) && has(CapPerfmon)))
        {
            yield break;
        }

        var missing = new List<string>();
        if (!has(CapBpf))
        {
            missing.Add("CAP_BPF");
        }

        if (!has(CapPerfmon))
        {
            missing.Add("CAP_PERFMON");
        }

        string who = effectiveUid == "0" ? "running as root but" : "not running as root and";
        yield return new EbpfProblem(
            $"{who} missing capability {string.Join(" and ", missing)} (or CAP_SYS_ADMIN)",
            "run as root, or grant them: `setcap cap_bpf,cap_perfmon+ep <binary>`; in Kubernetes add " +
            "securityContext.capabilities.add: [BPF, PERFMON] (or privileged: true)");
    }

    /// <summary>The CapEff mask of a /proc/PID/status text; 0 when absent.</summary>
    internal static ulong ParseCapEff(string status) =>
        ulong.TryParse(ParseStatusField(status, "CapEff:"), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caps) ? caps : 0;

    /// <summary>For "Uid:" the effective uid (second value); otherwise the first value of the field.</summary>
    internal static string? ParseStatusField(string status, string field)
    {
        foreach (string line in status.Split('\n'))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal))
            {
                continue;
            }

            string[] values = line[field.Length..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            int index = field == "Uid:" ? 1 : 0;
            return values.Length > index ? values[index] : null;
        }

        return null;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
