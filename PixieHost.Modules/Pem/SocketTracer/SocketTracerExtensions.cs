using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Pem.Ebpf;
using Store = PixieHost.Modules.TableStore.TableStore;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>Registration of the socket tracer.</summary>
public static class SocketTracerExtensions
{
    /// <summary>
    /// Adds the socket tracer (also as the <see cref="ISocketEventSink"/> the ring reader feeds) and the service
    /// that flushes its rows every <see cref="SocketTracerOptions.PushInterval"/>. Needs a <see cref="Store"/>.
    /// </summary>
    public static IServiceCollection AddSocketTracer(this IServiceCollection services)
    {
        services.AddOptions<SocketTracerOptions>().BindConfiguration(SocketTracerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocketTracerOptions>, SocketTracerOptionsValidator>());
        services.TryAddSingleton<ITracerEnvironment, LinuxTracerEnvironment>();
        services.TryAddSingleton(sp => new SocketTracer(
            sp.GetRequiredService<IOptions<SocketTracerOptions>>().Value,
            sp.GetRequiredService<Store>(),
            sp.GetRequiredService<ITracerEnvironment>()));
        services.TryAddSingleton<ISocketEventSink>(sp => sp.GetRequiredService<SocketTracer>());
        services.AddHostedService<SocketTracerFlushService>();
        return services;
    }
}
