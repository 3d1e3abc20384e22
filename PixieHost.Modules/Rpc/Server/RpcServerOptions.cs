namespace PixieHost.Modules.Rpc.Server;

/// <summary>Server-side limits of the RPC layer (section <c>Rpc:Server</c>).</summary>
public sealed class RpcServerOptions
{
    public const string Section = "Rpc:Server";

    /// <summary>Largest request message accepted, in bytes; larger ones fail with RESOURCE_EXHAUSTED. Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;
}
