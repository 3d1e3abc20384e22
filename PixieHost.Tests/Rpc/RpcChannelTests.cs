using NUnit.Framework;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Rpc;

[TestFixture]
public sealed class RpcChannelTests
{
    private RpcTestHost _host = null!;
    private RpcChannel _channel = null!;
    private EchoRpcService _service = null!;

    [SetUp]
    public async Task SetUp()
    {
        _service = new EchoRpcService();
        _host = await RpcTestHost.StartAsync(s => s.AddSingleton(_service), EchoRpcService.Map);
        _channel = new RpcChannel(_host.Address);
    }

    [TearDown]
    public async Task TearDown()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task UnaryAsync_EchoHandler_ReturnsRequestBack()
    {
        var response = await _channel.UnaryAsync(EchoRpcService.Echo, new Status { Code = 7, Message = "héllo" });

        response.Code.Should().Be(7);
        response.Message.Should().Be("héllo");
    }

    [Test]
    public async Task UnaryAsync_HandlerThrowsRpcException_ClientSeesStatusAndDecodedMessage()
    {
        var act = () => _channel.UnaryAsync(EchoRpcService.Fail, new Status { Code = (int)StatusCode.NotFound, Message = "no pod 'ä' (100%)\nsecond line" });

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.Status.Should().Be(StatusCode.NotFound);
        error.Detail.Should().Be("no pod 'ä' (100%)\nsecond line");
    }

    [Test]
    public async Task UnaryAsync_LargestGrpcTimeout_NoTimerOverflow()
    {
        var options = new RpcCallOptions { Timeout = TimeSpan.FromHours(99_999_999) };

        var response = await _channel.UnaryAsync(EchoRpcService.Echo, new Status { Code = 3 }, options);

        response.Code.Should().Be(3);
    }

    [Test]
    public async Task UnaryAsync_UnknownMethod_Unimplemented()
    {
        var missing = new RpcMethod<Status, Status>(RpcMethodType.Unary, "test.Echo", "Missing", Status.Parser, Status.Parser);

        var act = () => _channel.UnaryAsync(missing, new Status());

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.Unimplemented);
    }

    [Test]
    public async Task UnaryAsync_NothingListening_UnavailableAfterRetries()
    {
        using var channel = new RpcChannel(new Uri($"http://127.0.0.1:{RpcTestHost.FreePort()}"), new RpcChannelOptions { UnaryRetryAttempts = 2, UnaryRetryDelay = TimeSpan.FromMilliseconds(1) });

        var act = () => channel.UnaryAsync(EchoRpcService.Echo, new Status());

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.Unavailable);
    }

    [Test]
    public async Task ServerStreamingAsync_FiniteStream_YieldsAllMessagesInOrder()
    {
        var codes = new List<int>();
        await foreach (var m in _channel.ServerStreamingAsync(EchoRpcService.Count, new HealthCheckRequest { ClusterId = "5" }))
        {
            codes.Add(m.Code);
        }

        codes.Should().Equal(0, 1, 2, 3, 4);
    }

    [Test]
    public async Task ServerStreamingAsync_ServerSideGrpcTimeout_DeadlineExceededFromServer()
    {
        // Only the header, no client-side timer: the status must come from the server's own deadline.
        var options = new RpcCallOptions { Headers = new Dictionary<string, string> { ["grpc-timeout"] = "1S" } };
        var received = 0;

        var act = async () =>
        {
            await foreach (var _ in _channel.ServerStreamingAsync(EchoRpcService.Count, new HealthCheckRequest { ClusterId = "forever" }, options))
            {
                received++;
            }
        };

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.DeadlineExceeded);
        received.Should().BeGreaterThan(0);
        (await _service.CountCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
    }

    [Test]
    public async Task ServerStreamingAsync_ClientTimeout_DeadlineExceeded()
    {
        var options = new RpcCallOptions { Timeout = TimeSpan.FromMilliseconds(150) };

        var act = async () =>
        {
            await foreach (var _ in _channel.ServerStreamingAsync(EchoRpcService.Count, new HealthCheckRequest { ClusterId = "forever" }, options))
            {
            }
        };

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.DeadlineExceeded);
    }

    [Test]
    public async Task ServerStreamingAsync_ClientStopsReading_ServerHandlerIsCancelled()
    {
        var received = 0;
        await foreach (var _ in _channel.ServerStreamingAsync(EchoRpcService.Count, new HealthCheckRequest { ClusterId = "forever" }))
        {
            if (++received == 3)
            {
                break;
            }
        }

        (await _service.CountCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
        var written = Volatile.Read(ref _service.CountMessagesWritten);
        await Task.Delay(200);
        Volatile.Read(ref _service.CountMessagesWritten).Should().Be(written, "the server stream stopped");
    }

    [Test]
    public async Task ServerStreamingAsync_CancelToken_CancelledAndServerStops()
    {
        using var cts = new CancellationTokenSource();
        var act = async () =>
        {
            await foreach (var m in _channel.ServerStreamingAsync(EchoRpcService.Count, new HealthCheckRequest { ClusterId = "forever" }, cancellationToken: cts.Token))
            {
                if (m.Code == 2)
                {
                    await cts.CancelAsync();
                }
            }
        };

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.Cancelled);
        (await _service.CountCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
    }

    [Test]
    public async Task ServerStreamingAsync_MoreOpenStreamsThanKestrelAllowsPerConnection_AllProgress()
    {
        // Kestrel allows 100 concurrent streams per connection; the channel must open a second connection.
        const int Streams = 130;
        var enumerators = new List<IAsyncEnumerator<Status>>();
        try
        {
            for (var i = 0; i < Streams; i++)
            {
                enumerators.Add(_channel.ServerStreamingAsync(EchoRpcService.Count, new HealthCheckRequest { ClusterId = "forever" }).GetAsyncEnumerator());
            }

            var first = await Task.WhenAll(enumerators.Select(e => e.MoveNextAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(30));

            first.Should().AllSatisfy(moved => moved.Should().BeTrue());
            enumerators.Select(e => e.Current.Code).Should().AllSatisfy(code => code.Should().Be(0));
        }
        finally
        {
            foreach (var e in enumerators)
            {
                await e.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task UnaryAsync_ManyConcurrentCalls_EachGetsItsOwnAnswer()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _channel.UnaryAsync(EchoRpcService.Echo, new Status { Code = i, Message = $"m{i}" })));

        responses.Select(r => (r.Code, r.Message)).Should().Equal(Enumerable.Range(0, 200).Select(i => (i, $"m{i}")));
    }

    [Test]
    public async Task ClientStreamingAsync_ThreeMessages_ServerSumsThem()
    {
        var response = await _channel.ClientStreamingAsync(EchoRpcService.Sum, Numbers(3, 4, 5));

        response.Code.Should().Be(12);
    }

    [Test]
    public async Task DuplexStreamingAsync_EachRequest_AnsweredInOrder()
    {
        var codes = new List<int>();
        await foreach (var m in _channel.DuplexStreamingAsync(EchoRpcService.EchoEach, Numbers(1, 2, 3)))
        {
            codes.Add(m.Code);
        }

        codes.Should().Equal(2, 4, 6);
    }

    private static async IAsyncEnumerable<Status> Numbers(params int[] values)
    {
        foreach (var v in values)
        {
            await Task.Yield();
            yield return new Status { Code = v };
        }
    }
}
