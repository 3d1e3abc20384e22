using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Pxl;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Registration of the query broker. In this cut it compiles and runs scripts against the table store of its
/// own process (the local query path); dispatch to remote PEMs and a Kelvin arrives with the distributed vizier.
/// </summary>
public static class QueryBrokerExtensions
{
    public static WebApplicationBuilder AddQueryBroker(this WebApplicationBuilder builder)
    {
        builder.Services.AddVizierApi();
        builder.Services.AddPxl();
        builder.Services.AddSingleton<IListenerDescription, QueryApiListener>();
        builder.WebHost.ConfigureKestrel(k => k.ListenVizierApi());
        return builder;
    }

    public static void MapQueryBroker(this WebApplication app) => app.MapVizierApi();

    private sealed class QueryApiListener(IOptions<VizierApiOptions> options) : IListenerDescription
    {
        public string Describe() => $"query API (gRPC, px.api.vizierpb.VizierService): {options.Value.Address}   try: pixie run px/http_data --addr {options.Value.Address}";
    }
}
