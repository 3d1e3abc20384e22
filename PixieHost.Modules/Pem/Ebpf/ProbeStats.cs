namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>Counters of the kernel side, summed over CPUs since the probe was loaded.</summary>
/// <param name="Events">Records written to the ring buffer (open, close and data events).</param>
/// <param name="Drops">Records lost because the ring buffer was full: the reader fell behind.</param>
/// <param name="BytesCopied">Payload bytes copied from user buffers into data events.</param>
public readonly record struct ProbeStats(ulong Events, ulong Drops, ulong BytesCopied);
