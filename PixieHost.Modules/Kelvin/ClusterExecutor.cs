using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Physical;
using PixieHost.Modules.Rpc;

namespace PixieHost.Modules.Kelvin;

/// <summary>
/// The kelvin's work: starts every node fragment on every pem at once, feeds their streams into the cluster plan
/// (final aggregates, joins, unions, limits) and streams the result tables. A pem that fails or disappears
/// mid-query does not fail the query: its stream ends, the others' rows still flow, and a warning names it. With a
/// <paramref name="registry"/>, a pem that stops heartbeating during the query (a hung process, a partitioned
/// node: nothing resets its stream) is dropped as soon as the registry calls it unresponsive, instead of at the deadline.
/// </summary>
public sealed partial class ClusterExecutor(QueryExecutor engine, ILogger<ClusterExecutor> logger, IAgentRegistry? registry = null)
{
    /// <summary>How often a running query asks the registry whether its pems still heartbeat.</summary>
    public TimeSpan HealthPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public async IAsyncEnumerable<QueryEvent> ExecuteAsync(
        string queryId, DistributedPlan plan, IReadOnlyList<IPemConnection> pems, long nowNs, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inputs = new FragmentInputs(plan.NodeFragments, pems.Count);
        var warnings = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var counters = new FragmentCounters();
        var pemTokens = pems.Select(_ => CancellationTokenSource.CreateLinkedTokenSource(cts.Token)).ToArray();
        var pumps = new List<Task>();
        foreach (var fragment in plan.NodeFragments)
        {
            for (var p = 0; p < pems.Count; p++)
            {
                pumps.Add(PumpAsync(queryId, pems[p], fragment, nowNs, inputs, counters, warnings, pemTokens[p].Token));
            }
        }

        var watch = registry is null || pumps.Count == 0 ? Task.CompletedTask : WatchHealthAsync(pems, pemTokens, warnings, cts.Token);

        var sinks = plan.ClusterSinks.Select(s => PhysicalPlanner.Plan(s, plan.MaxRowsPerTable)).ToArray();
        for (var i = 0; i < sinks.Length; i++)
        {
            yield return new TableStarted(i, sinks[i].Schema);
        }

        var context = new ExecContext(engine.Store, cts.Token) { RemoteInputs = inputs };
        try
        {
            await foreach (var e in BatchPump.RunAsync(token => Run(sinks, context), cancellationToken: cts.Token).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            // Limits may be met before every pem finished: stop the rest and wait for their pumps to let go.
            cts.Cancel();
            await Task.WhenAll(pumps).ConfigureAwait(false);
            await watch.ConfigureAwait(false);
            foreach (var t in pemTokens)
            {
                t.Dispose();
            }
        }

        foreach (var w in warnings.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => w.Value))
        {
            LogPemFailed(logger, queryId, w);
            yield return new QueryWarning(w);
        }

        var elapsedNs = (long)(Stopwatch.GetElapsedTime(started).Ticks * 100L);
        yield return new ExecutionStats(elapsedNs, counters.BytesProcessed + context.BytesProcessed, counters.RecordsProcessed + context.RecordsProcessed);
    }

    private static IEnumerable<QueryEvent> Run(SinkExec[] sinks, ExecContext context)
    {
        for (var i = 0; i < sinks.Length; i++)
        {
            foreach (var batch in sinks[i].Execute(context))
            {
                yield return new TableBatch(i, batch);
            }

            yield return new TableEnded(i);
        }
    }

    private async Task PumpAsync(
        string queryId, IPemConnection pem, PlanFragment fragment, long nowNs, FragmentInputs inputs, FragmentCounters counters, ConcurrentDictionary<string, string> warnings, CancellationToken token)
    {
        await Task.Yield();
        var started = Stopwatch.GetTimestamp();
        double firstMs = -1;
        long rows = 0;
        try
        {
            await foreach (var batch in pem.ExecuteAsync(queryId, fragment, nowNs, counters, token).ConfigureAwait(false))
            {
                if (firstMs < 0)
                {
                    firstMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                rows += batch.RowCount;
                await inputs.WriteAsync(fragment.Id, batch, token).ConfigureAwait(false);
            }

            LogPumpDone(logger, queryId, pem.Name, fragment.Id, rows, firstMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (!token.IsCancellationRequested)
        {
            warnings.TryAdd(pem.Name, $"{pem.Name} failed during the query ({Describe(e)}); the result is missing its data.");
        }
        catch (OperationCanceledException)
        {
            // The query ended or was cancelled; nothing is missing that was asked for.
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // A stream torn down by the cancellation itself.
        }
        finally
        {
            inputs.WriterDone(fragment.Id);
        }
    }

    private async Task WatchHealthAsync(IReadOnlyList<IPemConnection> pems, CancellationTokenSource[] pemTokens, ConcurrentDictionary<string, string> warnings, CancellationToken token)
    {
        try
        {
            while (true)
            {
                await Task.Delay(HealthPollInterval, token).ConfigureAwait(false);
                IReadOnlyList<AgentInfo> agents;
                try
                {
                    agents = await registry!.ListAgentsAsync(token).ConfigureAwait(false);
                }
                catch (RpcException)
                {
                    continue; // The registry being away says nothing about the pems.
                }

                for (var p = 0; p < pems.Count; p++)
                {
                    var agent = agents.FirstOrDefault(a => a.Kind == AgentKind.Pem && a.Registration.RpcAddress == pems[p].Address);
                    if (agent is { State: AgentState.Unresponsive } && !pemTokens[p].IsCancellationRequested)
                    {
                        warnings.TryAdd(pems[p].Name, $"{pems[p].Name} stopped heartbeating during the query; the result is missing its data.");
                        await pemTokens[p].CancelAsync().ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The query ended.
        }
    }

    private static string Describe(Exception e) => e switch
    {
        RpcException r => $"{r.Status}: {r.Detail}",
        _ => e.Message,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query {QueryId}: {Pem} fragment {Fragment}: {Rows} rows, first batch after {FirstMs:F1} ms, done after {TotalMs:F1} ms")]
    private static partial void LogPumpDone(ILogger logger, string queryId, string pem, int fragment, long rows, double firstMs, double totalMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryId}: {Warning}")]
    private static partial void LogPemFailed(ILogger logger, string queryId, string warning);
}
