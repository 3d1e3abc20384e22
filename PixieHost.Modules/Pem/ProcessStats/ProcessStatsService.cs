using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;

namespace PixieHost.Modules.Pem.ProcessStats;

/// <summary>Runs the process_stats collector on its period.</summary>
public sealed partial class ProcessStatsService(
    TableStore.TableStore store,
    IOptions<PemOptions> options,
    IOptions<HostingOptions> hosting,
    TimeProvider time,
    ILogger<ProcessStatsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var collector = new ProcessStatsCollector(ProcFs.Default, store.GetOrAdd(PemSchemas.ProcessStats), hosting.Value.AgentShortId, time);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "process_stats sample failed: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string reason);
}
