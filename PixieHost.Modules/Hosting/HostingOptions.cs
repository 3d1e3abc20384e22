namespace PixieHost.Modules.Hosting;

/// <summary>Settings of the process itself (configuration section <c>Hosting</c>).</summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>
    /// HTTP/1.1 address of the health and status endpoints (/healthz, /statusz). Default 127.0.0.1:50305.
    /// Use 0.0.0.0:50305 to reach it from other hosts.
    /// </summary>
    public string StatusAddress { get; set; } = "127.0.0.1:50305";

    /// <summary>
    /// Agent short id: the first 32 bits of every UPID this node writes. Default 0; a pem of split roles with 0 takes
    /// its node's IPv4 address (as a 32-bit number), so pems on different nodes never share one.
    /// </summary>
    public uint AgentShortId { get; set; }
}
