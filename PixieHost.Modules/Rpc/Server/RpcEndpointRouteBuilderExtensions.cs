using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PixieHost.Modules.Rpc.Server;

/// <summary>
/// Maps RPC handlers as POST endpoints at their method path. The service instance <c>TService</c>
/// is resolved from the request's services, so register it in DI (singleton or scoped).
/// </summary>
public static class RpcEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapRpcUnary<TService, TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, RpcMethod<TRequest, TResponse> method, Func<TService, TRequest, RpcCallContext, Task<TResponse>> handler)
        where TService : notnull
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        return Map(endpoints, method, RpcMethodType.Unary, async ctx =>
        {
            var request = await ReadSingleRequestAsync(ctx, method);
            var response = await handler(Service<TService>(ctx), request, ctx);
            await new HttpResponseStreamWriter<TResponse>(ctx).WriteAsync(response);
        });
    }

    public static IEndpointConventionBuilder MapRpcServerStreaming<TService, TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, RpcMethod<TRequest, TResponse> method, Func<TService, TRequest, IRpcStreamWriter<TResponse>, RpcCallContext, Task> handler)
        where TService : notnull
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        return Map(endpoints, method, RpcMethodType.ServerStreaming, async ctx =>
        {
            var request = await ReadSingleRequestAsync(ctx, method);
            await handler(Service<TService>(ctx), request, new HttpResponseStreamWriter<TResponse>(ctx), ctx);
        });
    }

    public static IEndpointConventionBuilder MapRpcClientStreaming<TService, TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, RpcMethod<TRequest, TResponse> method, Func<TService, IAsyncEnumerable<TRequest>, RpcCallContext, Task<TResponse>> handler)
        where TService : notnull
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        return Map(endpoints, method, RpcMethodType.ClientStreaming, async ctx =>
        {
            var requests = HttpRequestStreamReader.ReadAllAsync(ctx, method.RequestParser, MaxReceive(ctx));
            var response = await handler(Service<TService>(ctx), requests, ctx);
            await new HttpResponseStreamWriter<TResponse>(ctx).WriteAsync(response);
        });
    }

    public static IEndpointConventionBuilder MapRpcDuplexStreaming<TService, TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, RpcMethod<TRequest, TResponse> method, Func<TService, IAsyncEnumerable<TRequest>, IRpcStreamWriter<TResponse>, RpcCallContext, Task> handler)
        where TService : notnull
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        return Map(endpoints, method, RpcMethodType.DuplexStreaming, ctx =>
        {
            var requests = HttpRequestStreamReader.ReadAllAsync(ctx, method.RequestParser, MaxReceive(ctx));
            return handler(Service<TService>(ctx), requests, new HttpResponseStreamWriter<TResponse>(ctx), ctx);
        });
    }

    /// <summary>
    /// Answers every other <c>/{service}/{method}</c> gRPC request with UNIMPLEMENTED (non-gRPC requests get 404).
    /// Mapped once per route builder however often it is called.
    /// </summary>
    public static void MapRpcUnimplementedFallback(this IEndpointRouteBuilder endpoints)
    {
        // Several services may ask for it; two identical fallbacks would make every unknown path ambiguous.
        if (FallbackMapped.TryAdd(endpoints, new object()))
        {
            // POST only: GET pages of a UI in the same application keep their own 404 handling.
            endpoints.MapFallback("{service}/{method}", RpcServerCall.UnimplementedAsync)
                .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]));
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IEndpointRouteBuilder, object> FallbackMapped = new();

    private static IEndpointConventionBuilder Map<TRequest, TResponse>(
        IEndpointRouteBuilder endpoints, RpcMethod<TRequest, TResponse> method, RpcMethodType expected, Func<RpcCallContext, Task> body)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is {method.Type}, not {expected}.", nameof(method));
        }

        return endpoints.MapPost(method.FullName, http => RpcServerCall.RunAsync(http, method.FullName, body))
            .WithDisplayName($"gRPC {method.FullName}");
    }

    private static async Task<TRequest> ReadSingleRequestAsync<TRequest, TResponse>(RpcCallContext ctx, RpcMethod<TRequest, TResponse> method)
        where TRequest : class, IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var reader = ctx.HttpContext.Request.BodyReader;
        var max = MaxReceive(ctx);
        var request = await GrpcMessageReader.ReadAsync(reader, method.RequestParser, max, ctx.CancellationToken)
            ?? throw new RpcException(StatusCode.Internal, $"{method.FullName}: the request carried no message.");
        if (await GrpcMessageReader.ReadAsync(reader, method.RequestParser, max, ctx.CancellationToken) is not null)
        {
            throw new RpcException(StatusCode.Internal, $"{method.FullName}: expected one request message, got more.");
        }

        return request;
    }

    private static TService Service<TService>(RpcCallContext ctx)
        where TService : notnull => ctx.HttpContext.RequestServices.GetRequiredService<TService>();

    private static int MaxReceive(RpcCallContext ctx) =>
        ctx.HttpContext.RequestServices.GetService<IOptions<RpcServerOptions>>()?.Value.MaxReceiveMessageSize
        ?? GrpcProtocol.DefaultMaxReceiveMessageSize;
}
