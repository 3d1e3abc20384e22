using Microsoft.AspNetCore.Http;

namespace PixieHost.Modules.Rpc.Server;

/// <summary>What a server handler knows about its call: method, deadline, request headers, and the token to obey.</summary>
public sealed class RpcCallContext
{
    internal RpcCallContext(HttpContext httpContext, string method, DateTime? deadline, CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    public HttpContext HttpContext { get; }

    /// <summary>The full method path, e.g. <c>/px.api.vizierpb.VizierService/ExecuteScript</c>.</summary>
    public string Method { get; }

    /// <summary>UTC deadline from the client's <c>grpc-timeout</c>, or null when none was sent.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Cancelled when the client goes away (RST_STREAM, disconnect) or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    public IHeaderDictionary RequestHeaders => HttpContext.Request.Headers;

    /// <summary>Number of response messages written so far (0 means the status goes out trailers-only).</summary>
    public int MessagesWritten { get; internal set; }
}
