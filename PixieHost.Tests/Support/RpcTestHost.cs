using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PixieHost.Tests.Support;

/// <summary>A real Kestrel host on a free loopback port speaking cleartext HTTP/2 only, for RPC tests.</summary>
public sealed class RpcTestHost : IAsyncDisposable
{
    private RpcTestHost(WebApplication app, int port, bool tls)
    {
        App = app;
        Port = port;
        Tls = tls;
    }

    public WebApplication App { get; }

    public int Port { get; }

    /// <summary>True when the host speaks HTTP/2 over TLS (ALPN h2) instead of cleartext.</summary>
    public bool Tls { get; }

    public Uri Address => new($"{(Tls ? "https" : "http")}://127.0.0.1:{Port}");

    /// <summary>Starts the host; with <paramref name="certificate"/> it serves TLS with it.</summary>
    public static async Task<RpcTestHost> StartAsync(Action<IServiceCollection> services, Action<WebApplication> map, X509Certificate2? certificate = null)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.ListenLocalhost(port, o =>
        {
            o.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                o.UseHttps(certificate);
            }
        }));
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new RpcTestHost(app, port, certificate is not null);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}
