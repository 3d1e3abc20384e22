using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Server;
using Pb = PixieHost.Modules.Rpc.MetadataApi;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>Registration of the metadata role's agent registry and its gRPC service.</summary>
public static class MetadataServiceExtensions
{
    /// <summary>
    /// Adds <see cref="MetadataServiceOptions"/> (section <c>MetadataService</c>, validated on start), the in-process
    /// <see cref="AgentRegistry"/> (also as <see cref="IAgentRegistry"/>, so agents and the query broker of the same
    /// process use it directly), its sweep, <see cref="MetadataService"/>, and an Http2-only listener at
    /// <see cref="MetadataServiceOptions.ListenAddress"/>. Map the methods with <see cref="MapMetadataService"/>.
    /// </summary>
    public static WebApplicationBuilder AddMetadataService(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetadataServiceOptions>().BindConfiguration(MetadataServiceOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetadataServiceOptions>, MetadataServiceOptionsValidator>());
        services.AddOptions<RpcServerOptions>().BindConfiguration(RpcServerOptions.Section);
        services.TryAddSingleton<AgentRegistry>();
        services.TryAddSingleton<IAgentRegistry>(sp => sp.GetRequiredService<AgentRegistry>());
        services.TryAddSingleton<MetadataService>();
        services.AddHostedService<AgentRegistrySweepService>();
        services.AddSingleton<IListenerDescription, MetadataListener>();
        services.AddSingleton<IStatusSource, AgentRegistryStatus>();
        builder.WebHost.ConfigureKestrel(k => k.ListenRpc(k.ApplicationServices.GetRequiredService<IOptions<MetadataServiceOptions>>().Value.ListenAddress));
        return builder;
    }

    /// <summary>Maps <c>/px.internal.metadatapb.MetadataService/{Register,Heartbeat,ListAgents}</c> and the UNIMPLEMENTED fallback.</summary>
    public static IEndpointRouteBuilder MapMetadataService(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRpcUnary<MetadataService, Pb.RegisterAgentRequest, Pb.RegisterAgentResponse>(
            MetadataServiceMethods.Register, static (s, request, ctx) => s.Register(request, ctx));
        endpoints.MapRpcUnary<MetadataService, Pb.HeartbeatRequest, Pb.HeartbeatResponse>(
            MetadataServiceMethods.Heartbeat, static (s, request, ctx) => s.Heartbeat(request, ctx));
        endpoints.MapRpcUnary<MetadataService, Pb.ListAgentsRequest, Pb.ListAgentsResponse>(
            MetadataServiceMethods.ListAgents, static (s, request, ctx) => s.ListAgents(request, ctx));
        endpoints.MapRpcUnimplementedFallback();
        return endpoints;
    }

    private sealed class MetadataListener(IOptions<MetadataServiceOptions> options) : IListenerDescription
    {
        public string Describe() => $"metadata (gRPC, agent registry): {options.Value.ListenAddress}";
    }
}
