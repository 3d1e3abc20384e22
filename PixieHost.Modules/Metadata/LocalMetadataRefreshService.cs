using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PixieHost.Modules.Metadata;

/// <summary>Scans /proc on <see cref="LocalMetadataOptions.RefreshIntervalMs"/> so processes are known before they exit.</summary>
public sealed partial class LocalMetadataRefreshService(
    LocalMetadataProvider provider,
    IOptions<LocalMetadataOptions> options,
    ILogger<LocalMetadataRefreshService> logger,
    TimeProvider? time = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RefreshIntervalMs;
        if (interval == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(interval), time ?? TimeProvider.System);
        do
        {
            try
            {
                var added = provider.Scan();
                LogScanned(logger, added, provider.ProcessCount);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogScanFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "metadata scan: {Added} new processes, {Known} known")]
    private static partial void LogScanned(ILogger logger, int added, int known);

    [LoggerMessage(Level = LogLevel.Warning, Message = "metadata scan of /proc failed: {Reason}")]
    private static partial void LogScanFailed(ILogger logger, string reason);
}
