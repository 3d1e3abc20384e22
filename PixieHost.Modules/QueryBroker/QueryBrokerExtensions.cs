using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pxl;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Registration of the query broker: the public query API, and <see cref="DistributedQueryExecutor"/> as the
/// <see cref="IQueryExecutor"/>. Add a topology too: <see cref="AddInProcessTopology"/> (standalone) or
/// <see cref="AddRegistryTopology"/> (split roles; needs an <see cref="Metadata.Agents.IAgentRegistry"/>).
/// </summary>
public static class QueryBrokerExtensions
{
    public static WebApplicationBuilder AddQueryBroker(this WebApplicationBuilder builder)
    {
        builder.Services.AddVizierApi();
        builder.Services.AddOptions<QueryBrokerOptions>().BindConfiguration(QueryBrokerOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<QueryBrokerOptions>, QueryBrokerOptionsValidator>();
        builder.Services.TryAddSingleton<DistributedQueryExecutor>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IQueryExecutor>(sp => sp.GetRequiredService<DistributedQueryExecutor>()));
        builder.Services.AddClusterExecution();
        builder.Services.AddSingleton<IListenerDescription, QueryApiListener>();
        builder.WebHost.ConfigureKestrel(k => k.ListenVizierApi());
        return builder;
    }

    public static void MapQueryBroker(this WebApplication app) => app.MapVizierApi();

    /// <summary>Standalone: the pem and kelvin of this process run every query, without the network.</summary>
    public static IServiceCollection AddInProcessTopology(this IServiceCollection services)
    {
        services.AddSingleton<IVizierTopology, InProcessTopology>();
        return services;
    }

    /// <summary>Split roles: queries run on the agents registered with the metadata service.</summary>
    public static IServiceCollection AddRegistryTopology(this IServiceCollection services)
    {
        services.AddAgentRegistryClient();
        services.AddAgentStatusFromRegistry();
        services.AddSingleton<IVizierTopology, RegistryTopology>();
        return services;
    }

    private sealed class QueryApiListener(IOptions<VizierApiOptions> options) : IListenerDescription
    {
        public string Describe() => $"query API (gRPC, px.api.vizierpb.VizierService): {options.Value.Address}   try: pixie run px/http_data --addr {options.Value.Address}";
    }
}
