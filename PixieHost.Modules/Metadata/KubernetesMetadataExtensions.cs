using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Kubernetes;

namespace PixieHost.Modules.Metadata;

/// <summary>Registration of metadata from the Kubernetes API.</summary>
public static class KubernetesMetadataExtensions
{
    /// <summary>
    /// Adds <see cref="KubernetesOptions"/> (section <c>Kubernetes</c>), the host's own metadata
    /// (<see cref="LocalMetadataExtensions.AddLocalMetadata"/>, which still maps processes) and, when
    /// <see cref="KubernetesOptions.IsEnabled"/>, the API client, the informers and
    /// <see cref="KubernetesMetadataProvider"/> as the <see cref="IMetadataProvider"/>. When disabled the local
    /// provider stays the <see cref="IMetadataProvider"/> and nothing talks to an API server.
    /// </summary>
    public static IServiceCollection AddKubernetesMetadata(this IServiceCollection services)
    {
        services.AddLocalMetadata();
        services.AddOptions<KubernetesOptions>().BindConfiguration(KubernetesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new KubernetesMetadataSwitch(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.IsEnabled(KubernetesClientConfig.IsInCluster())));
        services.TryAddSingleton(sp => new KubernetesApiClient(ClientConfig(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value)));
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<KubernetesOptions>>().Value;
            return new ClusterInformers(sp.GetRequiredService<KubernetesApiClient>(), o.ToInformerOptions(), o.NodeName, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>(), o.UseEndpointSlices);
        });
        services.TryAddSingleton(sp => new KubernetesMetadataProvider(
            sp.GetRequiredService<ClusterInformers>(), sp.GetRequiredService<LocalMetadataProvider>(), sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.NodeName));
        services.Replace(ServiceDescriptor.Singleton<IMetadataProvider>(sp => sp.GetRequiredService<KubernetesMetadataSwitch>().Enabled
            ? sp.GetRequiredService<KubernetesMetadataProvider>()
            : sp.GetRequiredService<LocalMetadataProvider>()));
        services.AddHostedService<KubernetesInformerService>();
        return services;
    }

    /// <summary>The kubeconfig when one is set (or asked for outside a pod), else the in-cluster service account.</summary>
    internal static KubernetesClientConfig ClientConfig(KubernetesOptions o)
    {
        var context = o.Context.Length > 0 ? o.Context : null;
        if (o.Kubeconfig.Length > 0)
        {
            return Kubeconfig.Load(o.Kubeconfig, context);
        }

        return KubernetesClientConfig.IsInCluster() ? KubernetesClientConfig.InCluster() : Kubeconfig.Load(Kubeconfig.DefaultPath(), context);
    }
}

/// <summary>Whether Kubernetes metadata was turned on, decided once at start.</summary>
public sealed record KubernetesMetadataSwitch(bool Enabled);
