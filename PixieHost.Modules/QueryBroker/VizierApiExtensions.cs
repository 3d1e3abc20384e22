using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PixieHost.Modules.Rpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.QueryBroker;

/// <summary>Registration and endpoint mapping of the public query API.</summary>
public static class VizierApiExtensions
{
    /// <summary>
    /// Registers <see cref="VizierService"/> and its options (section <c>QueryBroker:Api</c>). An
    /// <see cref="PixieHost.Modules.Pxl.IQueryExecutor"/> must be registered by the query engine.
    /// </summary>
    public static IServiceCollection AddVizierApi(this IServiceCollection services)
    {
        services.AddOptions<VizierApiOptions>().BindConfiguration(VizierApiOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VizierApiOptions>, VizierApiOptionsValidator>());
        services.AddOptions<RpcServerOptions>().BindConfiguration(RpcServerOptions.Section);
        services.TryAddSingleton<VizierService>();
        return services;
    }

    /// <summary>
    /// Maps <c>/px.api.vizierpb.VizierService/{ExecuteScript,HealthCheck,GenerateOTelScript}</c> and the UNIMPLEMENTED
    /// fallback. Serve them on an Http2-only endpoint (<see cref="ListenVizierApi"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapVizierApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRpcServerStreaming<VizierService, ExecuteScriptRequest, ExecuteScriptResponse>(
            VizierServiceMethods.ExecuteScript, static (s, request, responses, ctx) => s.ExecuteScript(request, responses, ctx));
        endpoints.MapRpcServerStreaming<VizierService, HealthCheckRequest, HealthCheckResponse>(
            VizierServiceMethods.HealthCheck, static (s, request, responses, ctx) => s.HealthCheck(request, responses, ctx));
        endpoints.MapRpcUnary<VizierService, GenerateOTelScriptRequest, GenerateOTelScriptResponse>(
            VizierServiceMethods.GenerateOTelScript, static (s, request, ctx) => s.GenerateOTelScript(request, ctx));
        endpoints.MapRpcUnimplementedFallback();
        return endpoints;
    }

    /// <summary>
    /// Adds the query API's Http2-only (h2c) listener at <paramref name="address"/>, or at
    /// <see cref="VizierApiOptions.Address"/> (default <c>127.0.0.1:50300</c>) when null.
    /// </summary>
    public static void ListenVizierApi(this KestrelServerOptions kestrel, string? address = null)
    {
        address ??= kestrel.ApplicationServices.GetService<IOptions<VizierApiOptions>>()?.Value.Address
            ?? RpcKestrelExtensions.DefaultQueryApiAddress;
        kestrel.ListenRpc(address);
    }
}
