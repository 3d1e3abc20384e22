using System.ComponentModel.DataAnnotations;

namespace PixieHost.Modules.Pem;

/// <summary>Collector settings of the PEM role (configuration section <c>Pem</c>).</summary>
public sealed class PemOptions
{
    public const string Section = "Pem";

    /// <summary>Trace sockets with eBPF (needs root, BTF and tracefs). Default true; the /proc collectors run either way.</summary>
    public bool EnableSocketTracer { get; set; } = true;

    /// <summary>How often process_stats samples /proc, in milliseconds. Pixie: 1000.</summary>
    [Range(50, 3_600_000)]
    public int ProcessStatsPeriodMs { get; set; } = 1000;

    /// <summary>Size of the kernel→user ring buffer in MiB (rounded up to a power of two). Default 64.</summary>
    [Range(1, 4096)]
    public int RingBufferMb { get; set; } = 64;

    /// <summary>Payload bytes copied per syscall; more is counted but not copied. Default 16384.</summary>
    [Range(64, 16384)]
    public int MaxCopyBytes { get; set; } = 16384;

    /// <summary>
    /// TLS plaintext capture: uprobes on SSL_write/SSL_read(_ex) of these OpenSSL libssl files (every process mapping
    /// them). Empty (default) finds libssl.so.3 and libssl.so.1.1 in the system library directories; "none" disables.
    /// </summary>
    public string[] TlsLibraries { get; set; } = [];

    /// <summary>Also trace this process's own sockets (normally excluded so queries do not trace themselves). Default false.</summary>
    public bool TraceSelf { get; set; }
}
