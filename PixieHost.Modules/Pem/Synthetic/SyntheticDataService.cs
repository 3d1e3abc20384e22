using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;

namespace PixieHost.Modules.Pem.Synthetic;

/// <summary>
/// Synthetic rows a pem loads at start (configuration section <c>Pem:Synthetic</c>), for demos, benchmarks and tests
/// of split roles where each pem needs its own known data. Off by default.
/// </summary>
public sealed class SyntheticDataOptions
{
    public const string Section = "Pem:Synthetic";

    /// <summary>How many http_events rows to generate before the pem reports ready. Default 0 (none).</summary>
    [Range(0, 1_000_000_000)]
    public long HttpEventsRows { get; set; }

    /// <summary>Random seed: the same seed (and start time and agent short id) gives the same rows. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>time_ of the first row, ns since the epoch. Default 0: the rows end at start-up time.</summary>
    public long StartNs { get; set; }
}

/// <summary>Fills http_events from <see cref="HttpEventsGenerator"/> during start, logging progress per million rows.</summary>
public sealed partial class SyntheticDataService(
    TableStore.TableStore store, IOptions<SyntheticDataOptions> options, IOptions<HostingOptions> hosting, TimeProvider time, ILogger<SyntheticDataService> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.HttpEventsRows == 0)
        {
            return Task.CompletedTask;
        }

        var nowNs = (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var startNs = o.StartNs != 0 ? o.StartNs : nowNs - (o.HttpEventsRows * HttpEventsGenerator.RowSpacingNs);
        var table = store.GetOrAdd(PemSchemas.HttpEvents);
        var started = Stopwatch.GetTimestamp();
        long done = 0;
        foreach (var batch in HttpEventsGenerator.Batches(o.HttpEventsRows, o.Seed, startNs, hosting.Value.AgentShortId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            table.Append(batch);
            var before = done;
            done += batch.RowCount;
            if (done / 1_000_000 != before / 1_000_000)
            {
                LogProgress(logger, done, o.HttpEventsRows);
            }
        }

        LogLoaded(logger, done, Stopwatch.GetElapsedTime(started).TotalSeconds, o.Seed);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Synthetic http_events: {Done:N0} of {Total:N0} rows")]
    private static partial void LogProgress(ILogger logger, long done, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Synthetic http_events: loaded {Rows:N0} rows in {Seconds:0.0} s (seed {Seed})")]
    private static partial void LogLoaded(ILogger logger, long rows, double seconds, int seed);
}
