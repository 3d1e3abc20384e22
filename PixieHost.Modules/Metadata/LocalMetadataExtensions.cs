using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;

namespace PixieHost.Modules.Metadata;

/// <summary>Registration of the host's own metadata (standalone mode, no Kubernetes).</summary>
public static class LocalMetadataExtensions
{
    /// <summary>
    /// Adds <see cref="LocalMetadataOptions"/>, <see cref="LocalMetadataProvider"/> as the <see cref="IMetadataProvider"/>
    /// the PxL engine's metadata functions read, and the background /proc scan.
    /// </summary>
    public static IServiceCollection AddLocalMetadata(this IServiceCollection services)
    {
        services.AddOptions<LocalMetadataOptions>().BindConfiguration(LocalMetadataOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new LocalMetadataProvider(
            sp.GetRequiredService<IOptions<LocalMetadataOptions>>().Value,
            sp.GetService<IOptions<HostingOptions>>()?.Value.AgentShortId ?? 0,
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IMetadataProvider>(sp => sp.GetRequiredService<LocalMetadataProvider>());
        services.AddHostedService<LocalMetadataRefreshService>();
        return services;
    }
}
