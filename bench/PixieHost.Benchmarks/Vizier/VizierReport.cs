using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Pem.Fragments;
using PixieHost.Modules.Pem.Synthetic;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc.Client;

namespace PixieHost.Benchmarks.Vizier;

/// <summary>
/// <c>quick vizier [rowsPerPem] [runs]</c>: (1) row-batch throughput of one pem → kelvin stream over loopback HTTP/2
/// (encode, transfer, decode); (2) px/http_request_stats latency over two pem processes with rowsPerPem rows each
/// (five processes: metadata, 2 pems, kelvin, broker) against one standalone process holding all the rows. Queries
/// are 1 s apart, as a dashboard or a person sends them (PIXIE_BENCH_PAUSE_MS=0: back to back).
/// </summary>
public static class VizierReport
{
    private const string StartTime = "-30m";

    public static void Run(long rowsPerPem, int runs)
    {
        if (Environment.GetEnvironmentVariable("PIXIE_BENCH_SKIP_TRANSFER") != "1")
        {
            Transfer(Math.Min(rowsPerPem, 5_000_000), runs);
        }

        Distributed(rowsPerPem, runs);
    }

    private static void Transfer(long rows, int runs)
    {
        var store = HttpEventsGenerator.CreateStore(rows);
        var now = HttpEventsGenerator.StartNs + (rows * HttpEventsGenerator.RowSpacingNs) + 1;
        var engine = new QueryExecutor(store, () => now);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var address = RoleProcess.Loopback();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPEndPoint.Parse(address), o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(engine).AddSingleton<PemFragmentService>();
        using var app = builder.Build();
        app.MapPemFragments();
        app.StartAsync().GetAwaiter().GetResult();

        // The node side of a script that ships rows: five columns of every row, no limit.
        var (query, _, maxRows) = engine.PlanLogical(new QueryRequest(
            "import px\ndf = px.DataFrame(table='http_events')\npx.display(df[['time_', 'upid', 'req_path', 'latency', 'resp_status']])"));
        var root = ((LogicalLimit)DistributedPlanner.Split(query, maxRows).NodeFragments[0].Root).Input;
        var fragment = new PlanFragment(0, root);
        using var channel = new RpcChannel(new Uri("http://" + address));
        var pem = new RemotePemConnection("pem", address, channel, TimeSpan.FromMinutes(5));
        Console.WriteLine($"pem -> kelvin stream, {rows:N0} rows x 5 columns (time_, upid, req_path, latency, resp_status), loopback h2c:");
        var best = double.MaxValue;
        long bytes = 0;
        for (var r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            long got = 0;
            bytes = 0;
            var enumerator = pem.ExecuteAsync("bench", fragment, now, new FragmentCounters(), CancellationToken.None).GetAsyncEnumerator();
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                got += enumerator.Current.RowCount;
                bytes += enumerator.Current.ByteSize;
            }

            var s = sw.Elapsed.TotalSeconds;
            best = Math.Min(best, s);
            Console.WriteLine($"  run {r + 1}: {got:N0} rows in {s * 1000:F0} ms = {got / s / 1e6:F2} M rows/s, {bytes / s / 1e6:F0} MB/s of column data");
        }

        Console.WriteLine($"  best: {rows / best / 1e6:F2} M rows/s, {bytes / best / 1e6:F0} MB/s ({bytes / (double)rows:F1} B/row)");
        app.StopAsync().GetAwaiter().GetResult();
    }

    private static void Distributed(long rowsPerPem, int runs)
    {
        var script = ScriptLibrary.Embedded.TryGet("px/http_request_stats", out var s) ? s.Pxl : throw new InvalidOperationException("px/http_request_stats");
        var startNs = ((DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100) - (20L * 60 * 1_000_000_000);
        string[] data = ["Pem:EnableSocketTracer=false", $"Pem:Synthetic:StartNs={startNs}", "TableStore:DataLimitMb=24000", "TableStore:HttpEventsPercent=90"];

        Console.WriteLine($"px/http_request_stats (start_time={StartTime}), {runs} runs after one warm-up:");
        var singleAddress = RoleProcess.Loopback();
        double single;
        using (var standalone = RoleProcess.Start(null, [.. data, $"Pem:Synthetic:HttpEventsRows={2 * rowsPerPem}", $"QueryBroker:Api:Address={singleAddress}", "Hosting:AgentShortId=1"]))
        {
            single = Measure("one node, all rows", singleAddress, script, runs, 2 * rowsPerPem);
            Console.WriteLine($"  (standalone peak RSS {standalone.PeakWorkingSetBytes() / 1e9:F2} GB)");
        }

        var metadata = RoleProcess.Loopback();
        var broker = RoleProcess.Loopback();
        string[] agent = [$"Agent:MetadataAddress={metadata}", "MetadataService:HeartbeatInterval=00:00:01"];
        var processes = new List<RoleProcess>();
        try
        {
            processes.Add(RoleProcess.Start("metadata", [.. agent, $"MetadataService:ListenAddress={metadata}"]));
            for (var i = 1; i <= 2; i++)
            {
                processes.Add(RoleProcess.Start("pem", [.. data, .. agent, $"Pem:Synthetic:HttpEventsRows={rowsPerPem}", $"Pem:Synthetic:Seed={i}",
                    $"Hosting:AgentShortId={i}", $"Agent:ListenAddress={RoleProcess.Loopback()}"]));
            }

            processes.Add(RoleProcess.Start("kelvin", [.. agent, $"Agent:ListenAddress={RoleProcess.Loopback()}", "Hosting:AgentShortId=100"]));
            processes.Add(RoleProcess.Start("query-broker", [.. agent, $"QueryBroker:Api:Address={broker}"]));
            WaitForAgents(broker, 3);
            var split = Measure("2 pems + kelvin", broker, script, runs, 2 * rowsPerPem);
            Console.WriteLine($"  distributed / one node = {split / single:F2} (target <= 1.5)");
        }
        finally
        {
            foreach (var p in processes)
            {
                p.Dispose();
            }
        }
    }

    private static double Measure(string name, string address, string script, int runs, long expectedRows)
    {
        using var client = new VizierClient(new Uri("http://" + address));
        var args = new Dictionary<string, string> { ["start_time"] = StartTime };
        var warm = client.RunScriptAsync(script, args, "px/http_request_stats").GetAwaiter().GetResult();
        if (warm.Stats?.RecordsProcessed != expectedRows || warm.Warnings.Count > 0)
        {
            throw new InvalidOperationException($"{name}: read {warm.Stats?.RecordsProcessed} rows, expected {expectedRows}; warnings: {string.Join("; ", warm.Warnings)}");
        }

        var times = new List<double>();
        var pause = int.TryParse(Environment.GetEnvironmentVariable("PIXIE_BENCH_PAUSE_MS"), out var ms) ? ms : 1000;
        for (var r = 0; r < runs; r++)
        {
            Thread.Sleep(pause);
            var sw = Stopwatch.StartNew();
            client.RunScriptAsync(script, args, "px/http_request_stats").GetAwaiter().GetResult();
            times.Add(sw.Elapsed.TotalMilliseconds);
            if (Environment.GetEnvironmentVariable("PIXIE_BENCH_VERBOSE") == "1")
            {
                Console.WriteLine($"    run {r + 1}: {sw.Elapsed.TotalMilliseconds:F0} ms");
            }
        }

        times.Sort();
        var median = times[times.Count / 2];
        Console.WriteLine($"  {name,-20}: best {times[0],7:F0} ms, median {median,7:F0} ms, {expectedRows / (median / 1000) / 1e6,6:F1} M rows/s ({expectedRows:N0} rows, {warm.Tables[0].RowCount} result rows)");
        return median;
    }

    private static void WaitForAgents(string broker, int count)
    {
        using var client = new VizierClient(new Uri("http://" + broker));
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                var r = client.RunScriptAsync("import px\npx.display(px.GetAgentStatus())").GetAwaiter().GetResult();
                if (r.Tables[0].RowCount >= count)
                {
                    return;
                }
            }
            catch (Modules.Rpc.RpcException)
            {
                // The kelvin has not registered yet.
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException($"{count} agents did not register with the metadata service in 2 min.");
    }
}
