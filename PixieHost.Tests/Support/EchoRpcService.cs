using Microsoft.AspNetCore.Builder;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Tests.Support;

/// <summary>
/// A test service for the RPC layer, reusing small vizierpb messages: <c>Status</c> carries a number in <c>code</c> and
/// text in <c>message</c>; <c>HealthCheckRequest.cluster_id</c> carries a count.
/// </summary>
public sealed class EchoRpcService
{
    public const string ServiceName = "test.Echo";

    public static readonly RpcMethod<Status, Status> Echo = new(RpcMethodType.Unary, ServiceName, "Echo", Status.Parser, Status.Parser);

    /// <summary>Throws an RpcException with the request's code and message.</summary>
    public static readonly RpcMethod<Status, Status> Fail = new(RpcMethodType.Unary, ServiceName, "Fail", Status.Parser, Status.Parser);

    /// <summary>Streams <c>cluster_id</c> messages (code = index), or forever when it is "forever" (20 ms apart).</summary>
    public static readonly RpcMethod<HealthCheckRequest, Status> Count = new(RpcMethodType.ServerStreaming, ServiceName, "Count", HealthCheckRequest.Parser, Status.Parser);

    public static readonly RpcMethod<Status, Status> Sum = new(RpcMethodType.ClientStreaming, ServiceName, "Sum", Status.Parser, Status.Parser);

    public static readonly RpcMethod<Status, Status> EchoEach = new(RpcMethodType.DuplexStreaming, ServiceName, "EchoEach", Status.Parser, Status.Parser);

    /// <summary>Completes when a Count handler observed its cancellation token (client hang-up or deadline).</summary>
    public TaskCompletionSource<bool> CountCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int CountMessagesWritten;

    public static void Map(WebApplication app)
    {
        app.MapRpcUnary<EchoRpcService, Status, Status>(Echo, static (_, r, _) => Task.FromResult(r));
        app.MapRpcUnary<EchoRpcService, Status, Status>(Fail, static (_, r, _) => throw new RpcException((StatusCode)r.Code, r.Message));
        app.MapRpcServerStreaming<EchoRpcService, HealthCheckRequest, Status>(Count, static (s, r, w, ctx) => s.CountAsync(r, w, ctx));
        app.MapRpcClientStreaming<EchoRpcService, Status, Status>(Sum, static async (_, requests, _) =>
        {
            var sum = 0;
            await foreach (var r in requests)
            {
                sum += r.Code;
            }

            return new Status { Code = sum };
        });
        app.MapRpcDuplexStreaming<EchoRpcService, Status, Status>(EchoEach, static async (_, requests, w, _) =>
        {
            await foreach (var r in requests)
            {
                await w.WriteAsync(new Status { Code = r.Code * 2, Message = r.Message });
            }
        });
        app.MapRpcUnimplementedFallback();
    }

    private async Task CountAsync(HealthCheckRequest request, IRpcStreamWriter<Status> writer, RpcCallContext ctx)
    {
        var forever = request.ClusterId == "forever";
        var n = forever ? int.MaxValue : int.Parse(request.ClusterId, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            for (var i = 0; i < n; i++)
            {
                await writer.WriteAsync(new Status { Code = i });
                Interlocked.Increment(ref CountMessagesWritten);
                if (forever)
                {
                    await Task.Delay(20, ctx.CancellationToken);
                }
            }
        }
        catch (Exception) when (ctx.CancellationToken.IsCancellationRequested)
        {
            CountCancelled.TrySetResult(true);
            throw;
        }
    }
}
