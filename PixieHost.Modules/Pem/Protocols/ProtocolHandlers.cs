using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Modules.Pem.Protocols;

/// <summary>
/// The protocol handlers a socket tracer starts with: one line per protocol. HTTP/1 is not here; the tracer has
/// its own path for it.
/// </summary>
public static class ProtocolHandlers
{
    /// <summary>A new handler of every protocol enabled in <paramref name="options"/> (all but <see cref="SocketTracerOptions.DisabledProtocols"/>).</summary>
    public static List<IProtocolHandler> Create(SocketTracerOptions options)
    {
        var handlers = new List<IProtocolHandler>();
        Add(handlers, options, TrafficProtocol.Pgsql, () => new Pgsql.PgsqlHandler());
        Add(handlers, options, TrafficProtocol.Redis, () => new Redis.RedisHandler());
        Add(handlers, options, TrafficProtocol.Dns, () => new Dns.DnsHandler());
        Add(handlers, options, TrafficProtocol.Mysql, () => new Mysql.MysqlHandler());
        Add(handlers, options, TrafficProtocol.Http2, () => new Http2.Http2Handler(options.MaxBodyBytes, options.MaxStringBytes));
        return handlers;
    }

    private static void Add(List<IProtocolHandler> handlers, SocketTracerOptions options, TrafficProtocol protocol, Func<IProtocolHandler> create)
    {
        if (!options.DisabledProtocols.Any(p => string.Equals(p, protocol.ToString(), StringComparison.OrdinalIgnoreCase)))
        {
            handlers.Add(create());
        }
    }
}
