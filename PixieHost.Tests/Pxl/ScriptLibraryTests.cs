using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class ScriptLibraryTests
{
    [Test]
    public void List_Embedded_ContainsHttpScriptsWithVisAndManifest()
    {
        var names = ScriptLibrary.Embedded.List().Select(s => s.Name).ToList();
        names.Should().Contain(["px/http_data", "px/http_request_stats"]);
        foreach (var s in ScriptLibrary.Embedded.List())
        {
            s.ShortDescription.Should().NotBeEmpty();
            s.LongDescription.Should().NotBeEmpty();
            s.VisJson.Should().NotBeNull();
            VisSpec.Parse(s.VisJson!).Widgets.Should().NotBeEmpty();
        }
    }

    [Test]
    public void TryGet_UnknownScript_ReturnsFalse()
    {
        ScriptLibrary.Embedded.TryGet("px/nope", out _).Should().BeFalse();
    }

    [Test]
    public async Task Execute_HttpData_UsesArgsOrDefaults()
    {
        var rows = HttpEventsData.Rows(1000);
        var executor = new QueryExecutor(HttpEventsData.Store(rows), () => HttpEventsData.Now);
        ScriptLibrary.Embedded.TryGet("px/http_data", out var script).Should().BeTrue();

        var byDefault = await executor.ExecuteAsync(new QueryRequest(script.Pxl, QueryName: "px/http_data"));
        var table = byDefault.Tables.Should().ContainSingle().Subject;
        table.Name.Should().Be("HTTP Data");
        table.RowCount.Should().Be(301, "the default start_time is -5m and max_num_records 1000");
        table.Relation.Columns.Select(c => c.Name).Should().Contain(["time_", "req_method", "req_path", "resp_status", "latency"]);

        var withArgs = await executor.ExecuteAsync(new QueryRequest(script.Pxl,
            new Dictionary<string, string> { ["start_time"] = "-1h", ["max_num_records"] = "17" }) { Vis = script.VisJson });
        withArgs.Tables.Single().RowCount.Should().Be(17);
    }

    [Test]
    public async Task Execute_HttpRequestStats_AggregatesPerPath()
    {
        var rows = HttpEventsData.Rows(1000);
        var executor = new QueryExecutor(HttpEventsData.Store(rows), () => HttpEventsData.Now);
        ScriptLibrary.Embedded.TryGet("px/http_request_stats", out var script).Should().BeTrue();

        var result = await executor.ExecuteAsync(new QueryRequest(script.Pxl, new Dictionary<string, string> { ["start_time"] = "-10m" }, "px/http_request_stats"));
        var table = ResultRows.Of(result.Tables.Should().ContainSingle(t => t.Name == "http_request_stats").Subject);

        var window = rows.Where(r => r.Time >= HttpEventsData.Now - 600_000_000_000L).ToList();
        table.Should().HaveCount(window.Select(r => r.Path).Distinct().Count());
        foreach (var row in table)
        {
            var g = window.Where(r => r.Path == (string)row["req_path"]!).ToList();
            row["request_count"].Should().Be((long)g.Count);
            row["error_count"].Should().Be((long)g.Count(r => r.Status >= 400));
            row["latency_max"].Should().Be(g.Max(r => r.Latency));
            var sorted = g.Select(r => r.Latency).Order().ToList();
            ((long)row["latency_p50"]!).Should().BeCloseTo(sorted[(g.Count - 1) / 2], (ulong)(sorted[(g.Count - 1) / 2] * 0.011));
            ((long)row["latency_p99"]!).Should().BeCloseTo(sorted[(int)Math.Floor(0.99 * (g.Count - 1))], (ulong)(sorted[^1] * 0.011));
            ((double)row["throughput"]!).Should().BeApproximately(g.Count / 600.0, 1e-9);
        }
    }
}
