using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>What a few library scripts compute, checked against a hand count of <see cref="LibraryData"/>'s rows.</summary>
[TestFixture]
public class ScriptLibraryResultTests
{
    private const long Window5m = 300 * LibraryData.Second;

    private static readonly List<HttpRow> Last5m = LibraryData.HttpRows.Where(r => r.Time >= HttpEventsData.Now - Window5m).ToList();

    [Test]
    public async Task ServiceStats_LetOverTime_QuantilesAndCountsMatchEachTimeBin()
    {
        var let = await Run("px/service_stats", "let");

        var bins = Last5m.GroupBy(r => r.Time - (r.Time % (10 * LibraryData.Second))).ToDictionary(g => g.Key, g => g.ToList());
        let.Should().HaveCount(bins.Count);
        foreach (var row in let)
        {
            var rows = bins[(long)row["time_"]!];
            var sorted = rows.Select(r => r.Latency).Order().ToList();
            var (p50, p90, p99) = ((long)row["latency_p50"]!, (long)row["latency_p90"]!, (long)row["latency_p99"]!);
            ((double)row["request_throughput"]!).Should().BeApproximately(rows.Count / 10.0, 1e-9);
            ((double)row["error_rate"]!).Should().BeApproximately(rows.Count(r => r.Status >= 400) / (double)rows.Count, 1e-9);
            p50.Should().BeLessThanOrEqualTo(p90);
            p90.Should().BeLessThanOrEqualTo(p99);
            p50.Should().BeCloseTo(sorted[(sorted.Count - 1) / 2], (ulong)(sorted[(sorted.Count - 1) / 2] * 0.011));
            p99.Should().BeInRange((long)(sorted[0] * 0.989), (long)(sorted[^1] * 1.011), "a p99 lies within the bin's latencies, up to the sketch's 1 %");
        }
    }

    [Test]
    public async Task ServiceStats_InboundByRequestor_CountsEveryCaller()
    {
        var table = await Run("px/service_stats", "Inbound Traffic by Requestor");

        // No pod owns these addresses, so each caller is its remote address.
        var expected = Last5m.GroupBy(r => r.RemoteAddr).ToDictionary(g => g.Key, g => (long)g.Count());
        table.ToDictionary(r => (string)r["requestor"]!, r => (long)r["request_count"]!).Should().Equal(expected);
    }

    [Test]
    public async Task SlowHttpRequests_Default_ReturnsExactlyTheRequestsAtOrAboveP99()
    {
        var slow = await Run("px/slow_http_requests", "slow");

        var sorted = Last5m.Select(r => r.Latency).Order().ToList();
        var handP99 = sorted[(int)Math.Floor(0.99 * (sorted.Count - 1))];
        slow.Should().NotBeEmpty();
        var threshold = slow.Select(r => (long)r["service_p99"]!).Distinct().Should().ContainSingle().Subject;
        threshold.Should().BeCloseTo(handP99, (ulong)(handP99 * 0.011)).And.BeLessThanOrEqualTo(sorted[^1]);
        slow.Select(r => (long)r["latency"]!).Should().BeEquivalentTo(sorted.Where(l => l >= threshold));
    }

    [Test]
    public async Task SlowHttpRequests_MaxNumRecords_LimitsTheRows()
    {
        var slow = await Run("px/slow_http_requests", "slow", new() { ["max_num_records"] = "2", ["start_time"] = "-10m" });

        slow.Should().HaveCount(2);
        slow.Should().OnlyContain(r => (long)r["latency"]! >= (long)r["service_p99"]!);
    }

    [Test]
    public async Task PerfFlamegraph_Stacks_CountsAddUpAndPercentagesSumTo100()
    {
        var stacks = await Run("px/perf_flamegraph", "Flamegraph");

        // stack_traces: sample i of 20 per process has count 1 + (i % 4).
        var inWindow = Enumerable.Range(0, 20).Where(i => LibraryData.TimeOf(i, 20) >= HttpEventsData.Now - Window5m).ToList();
        stacks.Sum(r => (long)r["count"]!).Should().Be(3 * inWindow.Sum(i => 1 + (i % 4)));
        stacks.Sum(r => (double)r["percent"]!).Should().BeApproximately(100, 1e-9);
        stacks.Select(r => ((string)r["stack_trace"]!, (long)r["pid"]!)).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public async Task NetFlowGraph_Flows_AreTheCounterDeltasPerEdge()
    {
        var flows = await Run("px/net_flow_graph", "flows");

        // conn_stats: sample i of 60 per process has bytes_sent = 1500 * i * (p + 1); the window holds samples first..59.
        var first = Enumerable.Range(0, 60).First(i => LibraryData.TimeOf(i, 60) >= HttpEventsData.Now - Window5m);
        var span = 59 - first;
        flows.Should().HaveCount(3);
        flows.Select(r => (long)r["bytes_sent"]!).Order().Should().Equal(1500L * span, 1500L * span * 2, 1500L * span * 3);
        flows.Select(r => (long)r["bytes_recv"]!).Order().Should().Equal(9000L * span, 9000L * span * 2, 9000L * span * 3);
        flows.Should().OnlyContain(r => Math.Abs((double)r["bytes_total_per_s"]! - (((long)r["bytes_sent"]! + (long)r["bytes_recv"]!) / 300.0)) < 1e-6);
    }

    private static async Task<List<Dictionary<string, object?>>> Run(string name, string table, Dictionary<string, string>? args = null)
    {
        var script = ScriptLibraryRunTests.Get(name);
        var result = await new QueryExecutor(LibraryData.Filled(), () => HttpEventsData.Now).ExecuteAsync(new QueryRequest(script.Pxl, args, name));
        return ResultRows.Of(result.Tables.Should().ContainSingle(t => t.Name == table).Subject);
    }
}
