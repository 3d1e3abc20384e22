using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Scripts;

namespace PixieHost.Modules.Pxl;

/// <summary>Registers the PxL engine: the script library and a <see cref="QueryExecutor"/> over the node's table store.</summary>
public static class PxlExtensions
{
    /// <summary>
    /// Adds <see cref="ScriptLibrary"/>, <see cref="QueryExecutor"/> and <see cref="IQueryExecutor"/>. Needs a
    /// <see cref="TableStore.TableStore"/> in the container; uses a registered <see cref="TimeProvider"/> for px.now(),
    /// else the system clock, a registered <see cref="IAgentStatusSource"/> for px.GetAgentStatus() (default: this process),
    /// and a registered <see cref="IMetadataProvider"/> for the metadata functions, else none.
    /// </summary>
    public static IServiceCollection AddPxl(this IServiceCollection services)
    {
        services.TryAddSingleton(ScriptLibrary.Embedded);
        services.TryAddSingleton<IAgentStatusSource>(sp => new LocalAgentStatusSource(
            sp.GetService<IOptions<HostingOptions>>()?.Value.AgentShortId ?? 0,
            ((sp.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100));
        services.TryAddSingleton(sp =>
        {
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            return new QueryExecutor(
                sp.GetRequiredService<TableStore.TableStore>(),
                () => (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100,
                sp.GetRequiredService<ScriptLibrary>(),
                sp.GetService<IMetadataProvider>() is { } metadata ? FunctionRegistry.Create(metadata) : null,
                sp.GetRequiredService<IAgentStatusSource>());
        });
        services.TryAddSingleton<IQueryExecutor>(sp => sp.GetRequiredService<QueryExecutor>());
        return services;
    }
}
