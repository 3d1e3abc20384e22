using System.Text;
using NUnit.Framework;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>Re-records the committed corpus (Corpus/*.h2) from real Kestrel and real clients. Run by hand.</summary>
[TestFixture]
[Explicit("writes the committed corpus files")]
public sealed class Http2CorpusRecorder
{
    [Test]
    public async Task Record_KestrelAndGrpc_WritesCorpusFiles()
    {
        await using var server = await Http2Server.StartAsync();
        using (var client = server.Client())
        {
            await client.GetStringAsync("/hello");
            using var post = await client.PostAsync("/echo", new StringContent("{\"name\":\"pixie\",\"n\":[1,2,3]}", Encoding.UTF8, "application/json"));
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetStringAsync($"/many/{i}")));
            using var missing = await client.GetAsync("/status/404");
        }

        using (var channel = new RpcChannel(server.Address))
        {
            await channel.UnaryAsync(EchoRpcService.Echo, new Status { Code = 7, Message = "héllo" });
            try
            {
                await channel.UnaryAsync(EchoRpcService.Fail, new Status { Code = 5, Message = "no such pod" });
            }
            catch (Modules.Rpc.RpcException)
            {
            }

            await foreach (var _ in channel.ServerStreamingAsync(EchoRpcService.Count, new HealthCheckRequest { ClusterId = "5" }))
            {
            }
        }

        await server.WaitIdleAsync();
        var conns = server.Proxy.Connections;
        Http2Corpus.Save("kestrel-http.h2", conns[0].Chunks);
        Http2Corpus.Save("grpc.h2", conns[1].Chunks);
    }
}
