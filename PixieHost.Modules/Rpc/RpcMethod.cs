using Google.Protobuf;

namespace PixieHost.Modules.Rpc;

/// <summary>The four gRPC call shapes.</summary>
#if PIXIE_CLIENT_SDK
internal enum RpcMethodType
#else
public enum RpcMethodType
#endif
{
    Unary,
    ClientStreaming,
    ServerStreaming,
    DuplexStreaming,
}

/// <summary>
/// One method of a service, shared by the server mapping and the client: the HTTP/2 path
/// (<c>/package.Service/Method</c>), the call shape and the parsers of both message types.
/// </summary>
#if PIXIE_CLIENT_SDK
internal sealed class RpcMethod<TRequest, TResponse>
#else
public sealed class RpcMethod<TRequest, TResponse>
#endif
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    public RpcMethod(RpcMethodType type, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
    {
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = $"/{serviceName}/{name}";
        RequestParser = requestParser;
        ResponseParser = responseParser;
    }

    public RpcMethodType Type { get; }

    /// <summary>Fully qualified service name, e.g. <c>px.api.vizierpb.VizierService</c>.</summary>
    public string ServiceName { get; }

    public string Name { get; }

    /// <summary>The request path, e.g. <c>/px.api.vizierpb.VizierService/ExecuteScript</c>.</summary>
    public string FullName { get; }

    public MessageParser<TRequest> RequestParser { get; }

    public MessageParser<TResponse> ResponseParser { get; }

    public override string ToString() => FullName;
}
