using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>Runs <see cref="AgentRegistry.Sweep"/> every heartbeat interval, so health transitions are logged as they happen.</summary>
public sealed class AgentRegistrySweepService(AgentRegistry registry, IOptions<MetadataServiceOptions> options, TimeProvider? time = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time ?? TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            registry.Sweep();
        }
    }
}
