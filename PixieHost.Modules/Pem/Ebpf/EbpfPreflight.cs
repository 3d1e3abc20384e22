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
/// Checks, before loading anything, what the socket tracer needs: Linux, privileges, kernel BTF, libbpf and libpxbpf.
/// tracefs is not checked: the probes attach to raw syscall tracepoints through BTF, which do not need it.
/// </summary>
public static class EbpfPreflight
{
    internal const int CapSysAdmin = 21;
    internal const int CapPerfmon = 38;
    internal const int CapBpf = 39;
    internal const string KernelBtfPath = "/sys/kernel/btf/vmlinux";

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
        problems.AddRange(CapabilityProblems(ParseStatusField(status, "Uid:"), ParseCapEff(status)));
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
