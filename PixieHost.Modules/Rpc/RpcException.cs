namespace PixieHost.Modules.Rpc;

/// <summary>
/// A call that ended with a non-OK gRPC status. Server handlers throw it to choose the status; clients receive it.
/// </summary>
#if PIXIE_CLIENT_SDK
internal sealed class RpcException : Exception
#else
public sealed class RpcException : Exception
#endif
{
    public RpcException(StatusCode status, string? detail = null, Exception? inner = null)
        : base(string.IsNullOrEmpty(detail) ? status.ToString() : $"{status}: {detail}", inner)
    {
        Status = status;
        Detail = detail ?? string.Empty;
    }

    public StatusCode Status { get; }

    /// <summary>The <c>grpc-message</c> text (decoded).</summary>
    public string Detail { get; }
}
