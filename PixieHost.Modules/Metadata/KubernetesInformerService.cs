using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Kubernetes;

namespace PixieHost.Modules.Metadata;

/// <summary>
/// Runs the Kubernetes informers while the host runs (when Kubernetes metadata is on). Start waits up to
/// <see cref="KubernetesOptions.InitialSyncWaitMs"/> for the first lists, so the first queries see pods.
/// </summary>
public sealed partial class KubernetesInformerService(
    IServiceProvider services,
    KubernetesMetadataSwitch enabled,
    IOptions<KubernetesOptions> options,
    ILogger<KubernetesInformerService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!enabled.Enabled)
        {
            return;
        }

        var informers = services.GetRequiredService<ClusterInformers>();
        var provider = services.GetRequiredService<KubernetesMetadataProvider>();
        var client = services.GetRequiredService<KubernetesApiClient>();
        LogStarting(logger, client.Config.Server.ToString(), options.Value.NodeName.Length > 0 ? options.Value.NodeName : "(all nodes)");
        _run = Task.Run(() => informers.RunAsync(_stop.Token), CancellationToken.None);
        var wait = options.Value.InitialSyncWaitMs;
        if (wait > 0)
        {
            var synced = informers.Synced;
            var finished = await Task.WhenAny(synced, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
            if (finished == synced)
            {
                provider.Rebuild();
                LogSynced(logger, informers.Pods.Cache.Count, informers.Services.Cache.Count);
            }
            else
            {
                LogNotSynced(logger, wait);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stop.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "kubernetes metadata: watching {Server}, pods of {Node}")]
    private static partial void LogStarting(ILogger logger, string server, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "kubernetes metadata: synced {Pods} pods, {Services} services")]
    private static partial void LogSynced(ILogger logger, int pods, int services);

    [LoggerMessage(Level = LogLevel.Warning, Message = "kubernetes metadata: not synced after {WaitMs} ms; starting anyway, lookups fill in as lists arrive")]
    private static partial void LogNotSynced(ILogger logger, int waitMs);
}
