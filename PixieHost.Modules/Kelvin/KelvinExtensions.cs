using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pem.Fragments;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Plan;
using PixieHost.Modules.Rpc.Server;
using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.Kelvin;

/// <summary>Registration of the kelvin and of the pem's fragment service: the two ends of a split query.</summary>
public static class KelvinExtensions
{
    /// <summary>The cluster executor and the channel pool; what a query broker needs to run the cluster side in process.</summary>
    public static IServiceCollection AddClusterExecution(this IServiceCollection services)
    {
        services.AddPxl();
        services.TryAddSingleton<ClusterExecutor>();
        services.TryAddSingleton<RpcChannelPool>();
        return services;
    }

    /// <summary>
    /// The kelvin role: <c>px.internal.KelvinService</c> on <c>Agent:ListenAddress</c> (default 127.0.0.1:59300),
    /// registered with the metadata service, px.GetAgentStatus() read from it.
    /// </summary>
    public static WebApplicationBuilder AddKelvin(this WebApplicationBuilder builder)
    {
        builder.Services.AddAgentRegistration(AgentKind.Kelvin);
        builder.Services.AddAgentStatusFromRegistry();
        builder.Services.AddClusterExecution();
        builder.Services.TryAddSingleton<KelvinService>();
        var address = AgentListenAddress(builder.Configuration, AgentKind.Kelvin);
        builder.WebHost.ConfigureKestrel(k => k.ListenRpc(address));
        builder.Services.AddSingleton<IListenerDescription>(new Listener($"kelvin (gRPC, px.internal.KelvinService): {address}"));
        return builder;
    }

    public static void MapKelvin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRpcServerStreaming<KelvinService, ExecuteQueryRequest, ExecuteScriptResponse>(
            InternalMethods.ExecuteQuery, static (s, request, responses, ctx) => s.ExecuteQuery(request, responses, ctx));
        endpoints.MapRpcUnimplementedFallback();
    }

    /// <summary>
    /// A pem's half of split queries: <c>px.internal.PemService</c> on <c>Agent:ListenAddress</c> (default
    /// 127.0.0.1:50500), registered with the metadata service with its tables.
    /// </summary>
    public static WebApplicationBuilder AddPemFragments(this WebApplicationBuilder builder)
    {
        // Before any collector reads it: a pem without Hosting:AgentShortId takes its node's IPv4 as its short id.
        var agentOptions = builder.Configuration.GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new AgentOptions();
        builder.Services.PostConfigure<HostingOptions>(o =>
        {
            if (o.AgentShortId == 0)
            {
                o.AgentShortId = AgentShortIds.Derive(agentOptions);
            }
        });
        builder.Services.AddAgentRegistration(AgentKind.Pem);
        builder.Services.AddPxl();
        builder.Services.TryAddSingleton<PemFragmentService>();
        var address = AgentListenAddress(builder.Configuration, AgentKind.Pem);
        builder.WebHost.ConfigureKestrel(k => k.ListenRpc(address));
        builder.Services.AddSingleton<IListenerDescription>(new Listener($"pem fragments (gRPC, px.internal.PemService): {address}"));
        return builder;
    }

    public static void MapPemFragments(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRpcServerStreaming<PemFragmentService, ExecuteFragmentRequest, ExecuteScriptResponse>(
            InternalMethods.ExecuteFragment, static (s, request, responses, ctx) => s.ExecuteFragment(request, responses, ctx));
        endpoints.MapRpcUnimplementedFallback();
    }

    /// <summary>Where this agent's RPC services listen: <c>Agent:ListenAddress</c>, else the default of <paramref name="kind"/>.</summary>
    public static string AgentListenAddress(IConfiguration configuration, AgentKind kind) =>
        (configuration.GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new AgentOptions()).ListenAddressFor(kind);

    private sealed class Listener(string text) : IListenerDescription
    {
        public string Describe() => text;
    }
}
