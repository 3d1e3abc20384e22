using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PixieHost.Modules.Pem.SocketTracer;

/// <summary>
/// Pushes the tracer's http_events rows to the table store every <see cref="SocketTracerOptions.PushInterval"/>
/// and writes conn_stats every <see cref="SocketTracerOptions.ConnStatsInterval"/>, as Pixie's socket tracer does.
/// </summary>
public sealed class SocketTracerFlushService(SocketTracer tracer, IOptions<SocketTracerOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        using var timer = new PeriodicTimer(o.PushInterval);
        var nextConnStats = DateTime.UtcNow + o.ConnStatsInterval;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                tracer.Flush();
                if (DateTime.UtcNow >= nextConnStats)
                {
                    tracer.FlushConnStats();
                    nextConnStats = DateTime.UtcNow + o.ConnStatsInterval;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        tracer.Flush();
    }
}
