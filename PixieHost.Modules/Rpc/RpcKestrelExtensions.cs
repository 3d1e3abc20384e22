using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace PixieHost.Modules.Rpc;

/// <summary>
/// Listen configuration for RPC endpoints. Kestrel offers cleartext HTTP/2 (h2c) only on an Http2-only endpoint,
/// so gRPC gets its own port; the UI listens elsewhere on Http1 (or TLS).
/// </summary>
public static class RpcKestrelExtensions
{
    /// <summary>Pixie's query broker port: the default address of the public query API.</summary>
    public const string DefaultQueryApiAddress = "127.0.0.1:50300";

    /// <summary>Listens on <paramref name="endpoint"/> with cleartext HTTP/2 only.</summary>
    public static void ListenRpc(this KestrelServerOptions options, IPEndPoint endpoint) =>
        options.Listen(endpoint, o => o.Protocols = HttpProtocols.Http2);

    /// <summary>
    /// Listens on <c>host:port</c> (e.g. <c>0.0.0.0:50300</c>, <c>[::1]:50300</c>) with HTTP/2 only: cleartext, or TLS
    /// (ALPN h2) when <c>Rpc:Tls:CertificateFile</c> is set.
    /// </summary>
    public static void ListenRpc(this KestrelServerOptions options, string address)
    {
        var tls = RpcTlsOptions.From(options.ApplicationServices?.GetService(typeof(IConfiguration)) as IConfiguration);
        if (!tls.Enabled)
        {
            options.ListenRpc(ParseEndpoint(address));
            return;
        }

        var certificate = tls.LoadServerCertificate();
        options.Listen(ParseEndpoint(address), o =>
        {
            o.Protocols = HttpProtocols.Http2;
            o.UseHttps(certificate);
        });
    }

    /// <summary>Parses <c>host:port</c>; the host must be an IP literal (<c>localhost</c> means 127.0.0.1).</summary>
    public static IPEndPoint ParseEndpoint(string address)
    {
        var text = address.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + address[9..] : address;
        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0 && !text.EndsWith(":0", StringComparison.Ordinal))
        {
            throw new FormatException($"'{address}' is not an address of the form ip:port (e.g. {DefaultQueryApiAddress}).");
        }

        return endpoint;
    }
}
