using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.NetworkStats;

/// <summary>Runs the network_stats collector on the process_stats period (Pem:ProcessStatsPeriodMs).</summary>
public sealed partial class NetworkStatsService(
    TableStore.TableStore store,
    IOptions<PemOptions> options,
    IOptions<HostingOptions> hosting,
    IServiceProvider services,
    TimeProvider time,
    ILogger<NetworkStatsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var metadata = services.GetService<IMetadataProvider>();
        var procFs = ProcFs.Default;
        var asid = hosting.Value.AgentShortId;
        string PodIdOf(int pid)
        {
            if (metadata is null || procFs.StartTimeTicks(pid) is not { } ticks)
            {
                return "";
            }

            return metadata.FindProcess(new Upid(asid, (uint)pid, ticks).Value)?.Pod?.Id ?? "";
        }

        var collector = new NetworkStatsCollector(procFs, store.GetOrAdd(PemSchemas.NetworkStats), PodIdOf, time);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ProcessStatsPeriodMs), time);
        do
        {
            try
            {
                collector.SampleOnce();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogSampleFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "network_stats sample failed: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string reason);
}
