namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>Turns a -errno from libpxbpf into a message a user can act on.</summary>
internal static class EbpfErrors
{
    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int ENOMEM = 12;
    private const int EACCES = 13;
    private const int EINVAL = 22;
    private const int E2BIG = 7;
    private const int ENOTSUP = 95;

    /// <summary>Builds the exception for a failed <paramref name="step"/> ("load", "attach", "poll").</summary>
    public static EbpfUnavailableException ToException(string step, int rc, string nativeLog)
    {
        string message = $"eBPF socket tracer failed to {step}: {Describe(step, -rc)}";
        if (!string.IsNullOrWhiteSpace(nativeLog))
        {
            message += Environment.NewLine + "libbpf: " + Tail(nativeLog, 1500);
        }

        return new EbpfUnavailableException(message) { Errno = rc };
    }

    internal static string Describe(string step, int errno) => errno switch
    {
        EPERM => "permission denied. Run as root, or grant the capabilities CAP_BPF and CAP_PERFMON " +
                 "(Kubernetes: securityContext.capabilities.add [BPF, PERFMON], or privileged: true).",
        EACCES => "the kernel verifier rejected the program (EACCES); the reason is at the end of the libbpf log below.",
        ENOENT when step == "attach" => "syscall tracepoints not found (ENOENT): tracefs is not mounted. Mount it with " +
                 "`mount -t tracefs nodev /sys/kernel/tracing` (in a container, mount the host's /sys/kernel/tracing); " +
                 "if it is mounted, the kernel lacks syscall tracepoints (CONFIG_FTRACE_SYSCALLS).",
        ENOENT or ESRCH => "a kernel type or symbol the program needs was not found (CO-RE relocation); " +
                 "the kernel needs BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF=y).",
        ENOMEM => "out of memory for BPF maps. Lower RingBufferBytes or raise the memory limit of the agent's cgroup.",
        E2BIG => "a map is too large for this kernel. Lower RingBufferBytes.",
        EINVAL => "invalid argument (EINVAL): a setting was out of range or the kernel refused the program.",
        ENOTSUP => "not supported by this kernel (EOPNOTSUPP); eBPF ring buffers need Linux 5.8 or newer.",
        _ => $"error {errno} ({new System.ComponentModel.Win32Exception(errno).Message}).",
    };

    private static string Tail(string text, int max) => text.Length <= max ? text : "..." + text[^max..];
}
