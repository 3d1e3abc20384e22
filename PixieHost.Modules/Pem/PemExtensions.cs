using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.Pem.Synthetic;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem;

/// <summary>Registration of the PEM: the node's table store and its collectors.</summary>
public static class PemExtensions
{
    /// <summary>The in-memory table store every node-local module reads and writes.</summary>
    public static WebApplicationBuilder AddTableStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TableStoreOptions>().BindConfiguration(TableStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var store = new TableStore.TableStore(sp.GetRequiredService<IOptions<TableStoreOptions>>().Value);
            foreach (var schema in PemSchemas.All)
            {
                store.GetOrAdd(schema);
            }

            return store;
        });
        builder.Services.AddSingleton<IStatusSource, TableStoreStatus>();
        return builder;
    }

    /// <summary>The collectors: /proc samplers and the eBPF socket tracer.</summary>
    public static WebApplicationBuilder AddPem(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PemOptions>().BindConfiguration(PemOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSocketTracer();
        builder.Services.AddOptions<SocketTracerOptions>().Configure<IOptions<HostingOptions>>((o, h) => o.Asid = h.Value.AgentShortId);
        builder.Services.AddOptions<SyntheticDataOptions>().BindConfiguration(SyntheticDataOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<SyntheticDataService>();
        builder.Services.AddHostedService<ProcessStatsService>();
        builder.Services.AddHostedService<NetworkStats.NetworkStatsService>();
        builder.Services.AddSingleton<SocketTracerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SocketTracerService>());
        builder.Services.AddSingleton<IStatusSource>(sp => sp.GetRequiredService<SocketTracerService>());
        return builder;
    }
}
