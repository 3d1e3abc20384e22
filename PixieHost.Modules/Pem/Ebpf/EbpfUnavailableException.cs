namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>eBPF capture cannot run here; the message says what to change (privileges, packages, kernel, build).</summary>
public sealed class EbpfUnavailableException : Exception
{
    public EbpfUnavailableException(string message)
        : base(message)
    {
    }

    public EbpfUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The negative errno the native call returned, 0 when the problem was found before any call.</summary>
    public int Errno { get; init; }
}
