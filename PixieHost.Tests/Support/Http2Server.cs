using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PixieHost.Tests.Support;

/// <summary>
/// A real Kestrel over cleartext HTTP/2 (prior knowledge) with a few plain endpoints and the test gRPC service
/// (<see cref="EchoRpcService"/>), behind a <see cref="RecordingTcpProxy"/>, for the HTTP/2 parser tests.
/// </summary>
public sealed class Http2Server : IAsyncDisposable
{
    /// <summary>Response headers /many sets: Kestrel's HPACK encoder puts them in its dynamic table.</summary>
    public const int ManyHeaders = 16;

    /// <summary>The value of the <paramref name="h"/>-th header /many sets (the JSON of all of them stays under 1 KiB).</summary>
    public static string Value(int h) => $"value-{h:D2}-{new string('v', 10)}";

    private Http2Server(RpcTestHost host, RecordingTcpProxy proxy)
    {
        Host = host;
        Proxy = proxy;
    }

    public RpcTestHost Host { get; }

    public RecordingTcpProxy Proxy { get; }

    /// <summary>The proxy's address: what clients use so the bytes are recorded.</summary>
    public Uri Address => new($"http://127.0.0.1:{Proxy.Port}");

    public static async Task<Http2Server> StartAsync()
    {
        var host = await RpcTestHost.StartAsync(s => s.AddSingleton(new EchoRpcService()), app =>
        {
            app.MapGet("/hello", () => Results.Text("hello h2", "text/plain"));
            app.MapPost("/echo", async (HttpRequest r) =>
            {
                using var reader = new StreamReader(r.Body);
                return Results.Text(await reader.ReadToEndAsync(), "application/json");
            });
            app.MapGet("/many/{i}", (HttpResponse resp, int i) =>
            {
                for (var h = 0; h < ManyHeaders; h++)
                {
                    resp.Headers[$"x-custom-{h:D2}"] = Value(h);
                }

                return Results.Text($"many {i}", "text/plain");
            });
            app.MapGet("/status/{code}", (int code) => Results.Text($"status {code}", "text/plain", statusCode: code));
            EchoRpcService.Map(app);
        });
        return new Http2Server(host, new RecordingTcpProxy(host.Port));
    }

    /// <summary>An HttpClient speaking HTTP/2 only, without TLS, to <see cref="Address"/>.</summary>
    public HttpClient Client() => new(new SocketsHttpHandler())
    {
        BaseAddress = Address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>Waits until every recorded connection closed.</summary>
    public Task WaitIdleAsync() => Proxy.WaitIdleAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Host.DisposeAsync();
    }
}
