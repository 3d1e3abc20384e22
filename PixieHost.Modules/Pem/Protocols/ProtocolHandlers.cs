using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Modules.Pem.Protocols;

/// <summary>
/// The protocol handlers a socket tracer starts with: one line per protocol. HTTP/1 is not here; the tracer has
/// its own path for it.
/// </summary>
public static class ProtocolHandlers
{
    /// <summary>A new handler of every protocol enabled in <paramref name="options"/>.</summary>
    public static List<IProtocolHandler> Create(SocketTracerOptions options)
    {
        var handlers = new List<IProtocolHandler>();
        _ = options;
        handlers.Add(new Http2.Http2Handler(options.MaxBodyBytes, options.MaxStringBytes));
        return handlers;
    }
}
