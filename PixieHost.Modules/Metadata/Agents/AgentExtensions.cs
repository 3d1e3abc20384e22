using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Pxl.Functions;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>Registration of the agent side of the registry: pem and kelvin processes, and readers such as the query broker.</summary>
public static class AgentExtensions
{
    /// <summary>
    /// Adds <see cref="AgentOptions"/> (section <c>Agent</c>) and <see cref="IAgentRegistry"/>: the in-process
    /// <see cref="AgentRegistry"/> when the metadata module is in this process (whichever was added first), else a
    /// <see cref="RemoteAgentRegistry"/> to <see cref="AgentOptions.MetadataAddress"/>.
    /// </summary>
    public static IServiceCollection AddAgentRegistryClient(this IServiceCollection services)
    {
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section)
            .PostConfigure<IConfiguration>((o, config) => o.HeartbeatInterval ??=
                config.GetSection(MetadataServiceOptions.Section).GetValue<TimeSpan?>(nameof(MetadataServiceOptions.HeartbeatInterval)))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>());
        services.TryAddSingleton<RemoteAgentRegistry>();
        services.TryAddSingleton<IAgentRegistry>(sp => sp.GetService<AgentRegistry>() ?? (IAgentRegistry)sp.GetRequiredService<RemoteAgentRegistry>());
        return services;
    }

    /// <summary>
    /// Makes this process an agent of kind <paramref name="kind"/>: a <see cref="LocalAgent"/> (keyed by kind; the first
    /// kind added is also the unkeyed one) and an <see cref="AgentHeartbeatService"/> that keeps it registered. A pem
    /// reports the tables of the <see cref="TableStore.TableStore"/> when one is registered. Calling it twice for the
    /// same kind adds nothing; pem and kelvin in one process (standalone) are two agents.
    /// </summary>
    public static IServiceCollection AddAgentRegistration(this IServiceCollection services, AgentKind kind)
    {
        services.AddAgentRegistryClient();
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(LocalAgent) && Equals(d.ServiceKey, kind)))
        {
            return services;
        }

        services.AddKeyedSingleton(kind, (sp, _) => LocalAgent.Create(
            kind,
            sp.GetRequiredService<IOptions<AgentOptions>>().Value,
            sp.GetService<IOptions<HostingOptions>>()?.Value.AgentShortId ?? 0,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<LocalAgent>(kind));
        services.AddKeyedSingleton(kind, (sp, _) => new AgentHeartbeatService(
            sp.GetRequiredKeyedService<LocalAgent>(kind),
            sp.GetRequiredService<IAgentRegistry>(),
            sp.GetRequiredService<IOptions<AgentOptions>>(),
            sp.GetRequiredService<ILogger<AgentHeartbeatService>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<TableStore.TableStore>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<AgentHeartbeatService>(kind));
        services.AddSingleton<IStatusSource>(sp => new AgentHeartbeatStatus(sp.GetRequiredKeyedService<AgentHeartbeatService>(kind)));
        return services;
    }

    /// <summary>
    /// Makes px.GetAgentStatus() and px/agent_status list the registry's agents (<see cref="RegistryAgentStatusSource"/>)
    /// instead of this process alone. Works before or after <c>AddPxl</c>: it replaces any registered source.
    /// </summary>
    public static IServiceCollection AddAgentStatusFromRegistry(this IServiceCollection services)
    {
        services.AddAgentRegistryClient();
        services.Replace(ServiceDescriptor.Singleton<IAgentStatusSource>(sp => new RegistryAgentStatusSource(
            sp.GetRequiredService<IAgentRegistry>(), sp.GetService<ILogger<RegistryAgentStatusSource>>())));
        return services;
    }
}
