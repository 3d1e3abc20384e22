using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Client;
using PixieHost.Tests.Support;
using Pb = PixieHost.Modules.Rpc.VizierApi;
using StatusCode = PixieHost.Client.StatusCode;

namespace PixieHost.Tests.Client;

/// <summary>
/// The SDK against a scripted <c>ExecuteScript</c> (warnings, in-band errors, endless streams, slow servers), and
/// against nothing at all.
/// </summary>
[TestFixture]
public sealed class PixieClientStreamTests
{
    private RpcTestHost? _host;
    private ScriptedVizierService _service = null!;

    [SetUp]
    public async Task StartServer()
    {
        _service = new ScriptedVizierService();
        _host = await RpcTestHost.StartAsync(s => s.AddSingleton(_service), ScriptedVizierService.Map);
    }

    [TearDown]
    public async Task StopServer() => await _host!.DisposeAsync();

    [Test]
    public async Task RunScriptAsync_OkStatusWithMessage_WarningOnResultAndDataKept()
    {
        _service.Handler = async (_, w, _) =>
        {
            await w.WriteAsync(ScriptedVizierService.Metadata("t1", "counts", ("n", Pb.DataType.Int64)));
            await w.WriteAsync(ScriptedVizierService.Int64Batch("t1", eos: false, 1, 2, 3));
            await w.WriteAsync(ScriptedVizierService.StatusResponse(0, "agent pem-2 failed mid-query: its data is missing"));
            await w.WriteAsync(ScriptedVizierService.Int64Batch("t1", eos: true, 4));
            await w.WriteAsync(ScriptedVizierService.Stats(4));
        };
        using var client = new PixieClient(_host!.Address.ToString());

        var result = await client.RunScriptAsync("s");

        result.Warnings.Should().Equal("agent pem-2 failed mid-query: its data is missing");
        result["counts"].Rows.Select(r => r.GetInt64("n")).Should().Equal(1L, 2L, 3L, 4L);
        result["counts"].Complete.Should().BeTrue();
        result.Stats!.RecordsProcessed.Should().Be(4);
        result.QueryId.Should().Be("q1");
    }

    [Test]
    public async Task StreamAsync_OkStatusWithMessage_WarningEventInOrder()
    {
        _service.Handler = async (_, w, _) =>
        {
            await w.WriteAsync(ScriptedVizierService.Metadata("t1", "counts", ("n", Pb.DataType.Int64)));
            await w.WriteAsync(ScriptedVizierService.StatusResponse(0, "agent pem-2 is gone"));
            await w.WriteAsync(ScriptedVizierService.Int64Batch("t1", eos: true, 1));
        };
        using var client = new PixieClient(_host!.Address.ToString());

        var kinds = new List<string>();
        await foreach (var e in client.StreamAsync(new ScriptRequest("s")))
        {
            kinds.Add(e switch { TableMetadataEvent => "meta", WarningEvent w => "warn:" + w.Message, BatchEvent => "batch", _ => "other" });
        }

        kinds.Should().Equal("meta", "warn:agent pem-2 is gone", "batch");
    }

    [Test]
    public async Task RunScriptAsync_InBandErrorStatus_PixieExceptionWithCode()
    {
        _service.Handler = (_, w, _) => w.WriteAsync(ScriptedVizierService.StatusResponse(13, "Script execution failed: boom"));
        using var client = new PixieClient(_host!.Address.ToString());

        var act = () => client.RunScriptAsync("s");

        var e = (await act.Should().ThrowAsync<PixieException>()).Which;
        e.Should().NotBeOfType<PxlScriptException>();
        e.Status.Should().Be(StatusCode.Internal);
        e.Message.Should().Be("Internal: Script execution failed: boom");
    }

    [Test]
    public async Task RunScriptAsync_BatchTypeDiffersFromRelation_ClearError()
    {
        _service.Handler = async (_, w, _) =>
        {
            await w.WriteAsync(ScriptedVizierService.Metadata("t1", "t", ("s", Pb.DataType.String)));
            await w.WriteAsync(ScriptedVizierService.Int64Batch("t1", eos: true, 1));
        };
        using var client = new PixieClient(_host!.Address.ToString());

        var act = () => client.RunScriptAsync("s");

        (await act.Should().ThrowAsync<PixieException>()).Which.Message.Should().Contain("column 's' came as Int64").And.Contain("relation says String");
    }

    [Test]
    public async Task StreamAsync_CancelledMidStream_ServerCallEnds()
    {
        _service.Handler = EndlessAsync;
        using var client = new PixieClient(_host!.Address.ToString());
        using var cts = new CancellationTokenSource();

        var batches = 0;
        var act = async () =>
        {
            await foreach (var e in client.StreamAsync(new ScriptRequest("s"), cts.Token))
            {
                if (e is BatchEvent && ++batches == 3)
                {
                    await cts.CancelAsync();
                }
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        batches.Should().Be(3);
        (await _service.CallEnded.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("the server's call was cancelled");
    }

    [Test]
    public async Task StreamRowsAsync_ConsumerStopsEarly_ServerCallEnds()
    {
        _service.Handler = EndlessAsync;
        using var client = new PixieClient(_host!.Address.ToString());

        var rows = 0;
        await foreach (var _ in client.StreamRowsAsync(new ScriptRequest("s"), "endless"))
        {
            if (++rows == 5)
            {
                break;
            }
        }

        (await _service.CallEnded.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("leaving the loop hung up the call");
    }

    [Test]
    public async Task RunScriptAsync_ServerSlowerThanTimeout_DeadlineExceeded()
    {
        _service.Handler = (_, _, ctx) => Task.Delay(TimeSpan.FromSeconds(30), ctx.CancellationToken);
        using var client = new PixieClient(_host!.Address.ToString(), new PixieClientOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        var act = () => client.RunScriptAsync("s");

        var e = (await act.Should().ThrowAsync<PixieException>()).Which;
        e.Status.Should().Be(StatusCode.DeadlineExceeded);
        e.Message.Should().Contain("00:00:00.3");
    }

    [Test]
    public async Task RunScriptAsync_TokenAndApiKeyAndRequestFields_ReachServer()
    {
        Pb.ExecuteScriptRequest? seen = null;
        _service.Handler = (r, _, _) =>
        {
            seen = r;
            return Task.CompletedTask;
        };
        var options = new PixieClientOptions { BearerToken = "tok", ApiKey = "key-1", ClusterId = "c-9", Headers = new Dictionary<string, string> { ["x-extra"] = "1" } };
        using var client = new PixieClient(_host!.Address.ToString(), options);

        await client.RunAsync(new ScriptRequest("s") { Args = new Dictionary<string, string> { ["start_time"] = "-5m" }, QueryName = "px/http_data", QueryId = "my-q" });

        _service.LastHeaders["authorization"].Should().Be("bearer tok");
        _service.LastHeaders["pixie-api-key"].Should().Be("key-1");
        _service.LastHeaders["x-extra"].Should().Be("1");
        seen!.QueryStr.Should().Be("s");
        (seen.QueryName, seen.QueryId, seen.ClusterId).Should().Be(("px/http_data", "my-q", "c-9"));
        var func = seen.ExecFuncs.Should().ContainSingle().Which;
        func.FuncName.Should().BeEmpty();
        func.ArgValues.Select(a => (a.Name, a.Value)).Should().Equal(("start_time", "-5m"));
    }

    [Test]
    public async Task RunScriptAsync_NothingListening_UnavailableNamingTheAddress()
    {
        var port = RpcTestHost.FreePort();
        using var client = new PixieClient($"127.0.0.1:{port}");

        var act = () => client.RunScriptAsync("s");

        var e = (await act.Should().ThrowAsync<PixieException>()).Which;
        e.Status.Should().Be(StatusCode.Unavailable);
        e.Message.Should().StartWith($"Cannot reach a Pixie query API at http://127.0.0.1:{port}/").And.Contain("pixie serve");
        var health = () => client.HealthCheckAsync();
        (await health.Should().ThrowAsync<PixieException>()).Which.Status.Should().Be(StatusCode.Unavailable);
    }

    [TestCase("127.0.0.1:50300", "http://127.0.0.1:50300/")]
    [TestCase("http://10.0.0.5:1234", "http://10.0.0.5:1234/")]
    [TestCase("https://vizier.example", "https://vizier.example:50300/")]
    [TestCase("localhost", "http://localhost:50300/")]
    [TestCase("[::1]:7000", "http://[::1]:7000/")]
    [TestCase("[::1]", "http://[::1]:50300/")]
    public void Constructor_Address_Normalized(string address, string expected)
    {
        using var client = new PixieClient(address);

        client.Address.ToString().Should().Be(expected);
    }

    [Test]
    public void Constructor_UseTlsWithoutScheme_Https()
    {
        using var client = new PixieClient("broker:443", new PixieClientOptions { UseTls = true });

        client.Address.ToString().Should().Be("https://broker/");
    }

    [TestCase("ftp://x:1")]
    [TestCase("http://")]
    public void Constructor_BadAddress_ArgumentExceptionWithExample(string address)
    {
        var act = () => new PixieClient(address);

        act.Should().Throw<ArgumentException>().WithMessage("*is not a query API address*127.0.0.1:50300*");
    }

    [Test]
    public void Constructor_SchemeContradictsUseTls_ArgumentException()
    {
        var act = () => new PixieClient("http://x:1", new PixieClientOptions { UseTls = true });

        act.Should().Throw<ArgumentException>().WithMessage("*says http but PixieClientOptions.UseTls is True*");
    }

    private static async Task EndlessAsync(Pb.ExecuteScriptRequest request, Modules.Rpc.Server.IRpcStreamWriter<Pb.ExecuteScriptResponse> w, Modules.Rpc.Server.RpcCallContext ctx)
    {
        await w.WriteAsync(ScriptedVizierService.Metadata("t1", "endless", ("n", Pb.DataType.Int64)));
        for (long i = 0; ; i++)
        {
            await w.WriteAsync(ScriptedVizierService.Int64Batch("t1", eos: false, i, i + 1), ctx.CancellationToken);
            await Task.Delay(10, ctx.CancellationToken);
        }
    }
}
