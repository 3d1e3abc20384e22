namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>Settings fixed when the socket tracer is loaded.</summary>
public sealed class SocketTraceProbeOptions
{
    /// <summary>Largest copy per syscall the kernel program supports (PX_MAX_DATA).</summary>
    public const int MaxDataBytes = 16384;

    /// <summary>Process id (tgid) whose sockets are not traced: the agent itself. 0 traces every process.
    /// Defaults to the current process.</summary>
    public uint AgentTgid { get; set; } = (uint)Environment.ProcessId;

    /// <summary>Payload bytes copied per syscall (8..16384). Bytes beyond are counted in MsgSize but not copied.
    /// Protocol inference looks at the first 8 bytes, hence the minimum.</summary>
    public int MaxCopyBytes { get; set; } = MaxDataBytes;

    /// <summary>Ring buffer size in bytes, rounded up to a power of two (4 KiB..2 GiB). Default 64 MiB.</summary>
    public long RingBufferBytes { get; set; } = 64L << 20;

    /// <summary>Pending bytes at which the kernel wakes the reader before its poll period ends. Default 256 KiB.</summary>
    public long WakeupBytes { get; set; } = 256L << 10;

    /// <summary>When tracefs is not mounted, mount it at /sys/kernel/tracing on attach (needs root). The syscall
    /// tracepoints are found through it. Default true.</summary>
    public bool MountTracefs { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (MaxCopyBytes is < 8 or > MaxDataBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCopyBytes), MaxCopyBytes, $"MaxCopyBytes must be between 8 and {MaxDataBytes}.");
        }

        if (RingBufferBytes is < 4096 or > 1L << 31)
        {
            throw new ArgumentOutOfRangeException(nameof(RingBufferBytes), RingBufferBytes, "RingBufferBytes must be between 4096 and 2 GiB.");
        }

        if (WakeupBytes < 1 || WakeupBytes > RingBufferBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(WakeupBytes), WakeupBytes, "WakeupBytes must be positive and at most RingBufferBytes.");
        }
    }
}
