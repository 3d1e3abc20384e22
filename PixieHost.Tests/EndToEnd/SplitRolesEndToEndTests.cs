using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Synthetic;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.EndToEnd;

/// <summary>
/// The split vizier as five real processes on loopback (metadata, two pems, kelvin, query broker), queried through
/// the public API like any Pixie client. Each pem holds its own synthetic http_events (seed and agent short id 1, 2).
/// </summary>
[TestFixture]
[NonParallelizable]
public class SplitRolesEndToEndTests
{
    private const long RowsPerPem = 40_000;
    private const string CountScript = """
        import px
        df = px.DataFrame(table='http_events', start_time='-30m')
        df = df.agg(n=('latency', px.count))
        px.display(df)
        """;

    private static readonly long StartNs = NowNs() - (10L * 60 * 1_000_000_000);

    [Test]
    public async Task HttpRequestStats_AcrossTwoPems_EqualsTheSameScriptOnOneNodeWithTheirUnion()
    {
        using var cluster = VizierCluster.Start(pems: 2, RowsPerPem, StartNs);
        var script = ScriptLibrary.Embedded.TryGet("px/http_request_stats", out var s) ? s : throw new AssertionException("library");
        var args = new Dictionary<string, string> { ["start_time"] = "-30m" };
        using var client = cluster.Client();

        var result = await client.RunScriptAsync(script.Pxl, args, "px/http_request_stats");

        var reference = Union(RowsPerPem, StartNs, pems: 2);
        var expected = await new QueryExecutor(reference, NowNs).ExecuteAsync(new QueryRequest(script.Pxl, args, "px/http_request_stats"));
        result.Warnings.Should().BeEmpty(cluster.Output);
        result.Tables.Select(t => t.Name).Should().Equal(expected.Tables.Select(t => t.Name));
        for (var t = 0; t < expected.Tables.Count; t++)
        {
            var got = new ResultTable(result.Tables[t].Name, result.Tables[t].Relation, result.Tables[t].Batches);
            expected.Tables[t].RowCount.Should().BeGreaterThan(100);
            SplitVizier.CanonicalRows(got).Should().Equal(SplitVizier.CanonicalRows(expected.Tables[t]));
        }

        result.Stats!.RecordsProcessed.Should().Be(2 * RowsPerPem, "each pem read its own rows");
    }

    [Test]
    public async Task GetAgentStatus_SplitRoles_ListsBothPemsAndTheKelvinHealthy()
    {
        using var cluster = VizierCluster.Start(pems: 2, 1000, StartNs);
        using var client = cluster.Client();

        var ok = await VizierCluster.EventuallyAsync(async () => HealthyAgents(await client.RunScriptAsync(AgentsScript)) == 3, TimeSpan.FromSeconds(10));

        ok.Should().BeTrue(cluster.Output);
        var table = (await client.RunScriptAsync(AgentsScript)).Tables[0];
        table.Rows.Select(r => (long)r[1]!).Should().BeEquivalentTo([1L, 2L, 100L], "the agents' short ids");
    }

    [Test]
    public async Task PemKilledMidQuery_QueryEndsWithTheOtherPemsRowsAndAWarningNamingIt()
    {
        using var cluster = VizierCluster.Start(pems: 2, RowsPerPem, StartNs);
        using var client = cluster.Client();
        (await Count(client)).Should().Be(2 * RowsPerPem);

        // Freeze pem 2 so the query is surely in flight on it, then kill it.
        Signal("STOP", cluster.Pems[1].Pid);
        var query = client.RunScriptAsync(CountScript);
        await Task.Delay(400);
        query.IsCompleted.Should().BeFalse("pem 2 cannot answer while stopped");
        Signal("KILL", cluster.Pems[1].Pid);

        var result = await query.WaitAsync(TimeSpan.FromSeconds(30));

        result.Warnings.Should().ContainSingle().Which.Should().Contain("pem 2").And.Contain("missing its data");
        result.Tables[0].Rows.Single()[0].Should().Be(RowsPerPem, "pem 1's rows are all there");
    }

    [Test]
    public async Task PemHangsMidQuery_DroppedWhenItMissesHeartbeatsNotAtTheDeadline()
    {
        using var cluster = VizierCluster.Start(pems: 2, RowsPerPem, StartNs);
        using var client = cluster.Client();
        (await Count(client)).Should().Be(2 * RowsPerPem);
        Signal("STOP", cluster.Pems[1].Pid);
        try
        {
            var sw = Stopwatch.StartNew();
            var result = await client.RunScriptAsync(CountScript).WaitAsync(TimeSpan.FromSeconds(30));

            sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the query timeout is 60 s; three missed 200 ms heartbeats are enough");
            result.Warnings.Should().ContainSingle().Which.Should().Contain("pem 2");
            result.Tables[0].Rows.Single()[0].Should().Be(RowsPerPem);
        }
        finally
        {
            Signal("CONT", cluster.Pems[1].Pid);
        }
    }

    [Test]
    public async Task PemStopped_MarkedUnresponsiveAndLeftOutWithAWarning()
    {
        using var cluster = VizierCluster.Start(pems: 2, RowsPerPem, StartNs);
        using var client = cluster.Client();
        Signal("STOP", cluster.Pems[1].Pid);
        try
        {
            // Three missed heartbeats (3 x 200 ms) make it unresponsive; a query sent before that would wait for it.
            await Task.Delay(VizierCluster.Heartbeat * 6);

            var result = await client.RunScriptAsync(CountScript);
            result.Warnings.Should().ContainSingle().Which.Should().Contain("pem 2").And.Contain("unresponsive");
            result.Tables[0].Rows.Single()[0].Should().Be(RowsPerPem);
        }
        finally
        {
            Signal("CONT", cluster.Pems[1].Pid);
        }

        var back = await VizierCluster.EventuallyAsync(async () => await Count(client) == 2 * RowsPerPem, TimeSpan.FromSeconds(10));
        back.Should().BeTrue("pem 2 heartbeats again once resumed");
    }

    [Test]
    public async Task Tls_EveryRoleOnTls_QueriesAnswerAndPlaintextClientsAreRefused()
    {
        using var certs = new Kubernetes.TestCertificates();
        var dir = Directory.CreateTempSubdirectory("pixie-tls-");
        var (cert, key, ca) = (Path.Combine(dir.FullName, "server.pem"), Path.Combine(dir.FullName, "server.key"), Path.Combine(dir.FullName, "ca.pem"));
        File.WriteAllText(cert, certs.ServerCertPem);
        File.WriteAllText(key, certs.ServerKeyPem);
        File.WriteAllText(ca, certs.CaPem);
        try
        {
            using var cluster = VizierCluster.Start(pems: 2, 1000, StartNs, $"Rpc:Tls:CertificateFile={cert}", $"Rpc:Tls:KeyFile={key}", $"Rpc:Tls:CaFile={ca}");
            using var channel = new Modules.Rpc.RpcTlsOptions { CaFile = ca }.CreateChannel("https://" + cluster.BrokerAddress);
            using var client = new VizierClient(channel);

            var ok = await VizierCluster.EventuallyAsync(async () => await Count(client) == 2000, TimeSpan.FromSeconds(15));

            ok.Should().BeTrue("broker, kelvin, pems and metadata all speak TLS to each other\n" + cluster.Output);
            using var plaintext = cluster.Client();
            var act = () => plaintext.RunScriptAsync(CountScript);
            await act.Should().ThrowAsync<Modules.Rpc.RpcException>();
            var (code, output) = ChildProcess.Run("dotnet", [PixieProcess.PixieDll, "run", "-f", WriteScript(dir.FullName), "--addr", "https://" + cluster.BrokerAddress, "--ca-file", ca, "-o", "csv"], TimeSpan.FromSeconds(60));
            code.Should().Be(0, output);
            output.Should().Contain("2000");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void PixieRun_BrokerWithoutKelvin_SaysWhichRoleToStart()
    {
        var metadata = $"127.0.0.1:{ChildProcess.FreePort()}";
        var api = $"127.0.0.1:{ChildProcess.FreePort()}";
        using var registry = ChildProcess.Start("dotnet", [PixieProcess.PixieDll, "serve", "--role", "metadata", "--set", $"MetadataService:ListenAddress={metadata}", "--set", $"Hosting:StatusAddress=127.0.0.1:{ChildProcess.FreePort()}"]);
        using var broker = ChildProcess.Start("dotnet", [PixieProcess.PixieDll, "serve", "--role", "query-broker", "--set", $"Agent:MetadataAddress={metadata}", "--set", $"QueryBroker:Api:Address={api}", "--set", $"Hosting:StatusAddress=127.0.0.1:{ChildProcess.FreePort()}"]);
        registry.WaitFor("Press Ctrl+C", TimeSpan.FromSeconds(60));
        broker.WaitFor("Press Ctrl+C", TimeSpan.FromSeconds(60));
        var dir = Directory.CreateTempSubdirectory("pixie-run-");
        try
        {
            var (code, output) = ChildProcess.Run("dotnet", [PixieProcess.PixieDll, "run", "-f", WriteScript(dir.FullName), "--addr", api], TimeSpan.FromSeconds(60));

            code.Should().Be(1);
            output.Should().Contain("No healthy kelvin").And.Contain("pixie serve --role kelvin").And.NotContain("cannot reach a pixie query API");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string WriteScript(string dir)
    {
        var file = Path.Combine(dir, "count.pxl");
        File.WriteAllText(file, CountScript);
        return file;
    }

    [Test]
    public async Task MetadataRestarted_AgentsRegisterAgainAndQueriesSeeThem()
    {
        using var cluster = VizierCluster.Start(pems: 2, RowsPerPem, StartNs);
        using var client = cluster.Client();
        (await Count(client)).Should().Be(2 * RowsPerPem);

        cluster.RestartMetadata();

        var back = await VizierCluster.EventuallyAsync(
            async () => HealthyAgents(await client.RunScriptAsync(AgentsScript)) == 3 && await Count(client) == 2 * RowsPerPem,
            TimeSpan.FromSeconds(15));
        back.Should().BeTrue(cluster.Output);
    }

    private const string AgentsScript = """
        import px
        df = px.GetAgentStatus()
        px.display(df[['agent_state', 'asid', 'hostname']])
        """;

    private static int HealthyAgents(ClientQueryResult r) => r.Tables[0].Rows.Count(row => (string)row[0]! == "AGENT_STATE_HEALTHY");

    private static async Task<long> Count(VizierClient client)
    {
        var r = await client.RunScriptAsync(CountScript);
        return (long)r.Tables[0].Rows.Single()[0]!;
    }

    private static TableStore Union(long rows, long startNs, int pems)
    {
        var store = new TableStore(new TableStoreOptions { DataLimitMb = 8_000 });
        var table = store.GetOrAdd(Modules.Pem.PemSchemas.HttpEvents);
        for (var i = 1; i <= pems; i++)
        {
            foreach (var b in HttpEventsGenerator.Batches(rows, i, startNs, (uint)i))
            {
                table.Append(b);
            }
        }

        return store;
    }

    private static void Signal(string signal, int pid)
    {
        using var p = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        p.WaitForExit();
    }

    private static long NowNs() => (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
