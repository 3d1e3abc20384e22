using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Pem.Fragments;
using PixieHost.Modules.Pem.Synthetic;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Kelvin;

/// <summary>
/// The internal services over real HTTP/2 on loopback: pem fragment streams and the kelvin's query stream carry
/// plans and batches between processes without changing a row.
/// </summary>
[TestFixture]
public class InternalRpcTests
{
    private const long Rows = 20_000;
    private static readonly long Now = HttpEventsGenerator.StartNs + (Rows * HttpEventsGenerator.RowSpacingNs) + 1;

    private const string Script = """
        import px
        df = px.DataFrame(table='http_events', start_time='-1h')
        df.failure = df.resp_status >= 400
        df = df.groupby(['req_method', 'upid']).agg(n=('latency', px.count), q=('latency', px.quantiles), err=('failure', px.mean))
        px.display(df)
        px.display(px.DataFrame(table='http_events', start_time='-1h').head(300), 'raw')
        """;

    [Test]
    public async Task RemoteKelvin_OverTwoRemotePems_EqualsOneNodeWithTheirUnion()
    {
        var stores = new[] { Store(1, 1), Store(2, 2) };
        await using var pem1 = await PemHost(stores[0]);
        await using var pem2 = await PemHost(stores[1]);
        await using var kelvin = await RpcTestHost.StartAsync(
            s => s.AddSingleton(new QueryExecutor(new TableStore(), () => Now)).AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                .AddSingleton<ClusterExecutor>().AddSingleton<RpcChannelPool>().AddSingleton<KelvinService>(),
            app => app.MapKelvin());
        var broker = new QueryExecutor(new TableStore(), () => Now);
        var (query, _, maxRows) = broker.PlanLogical(new QueryRequest(Script));
        var plan = DistributedPlanner.Split(query, maxRows);
        using var channel = new RpcChannel(kelvin.Address);
        PemTarget[] pems = [new("pem 1", $"127.0.0.1:{pem1.Port}"), new("pem 2", $"127.0.0.1:{pem2.Port}")];

        var result = await ClusterResult.CollectAsync(new RemoteKelvinConnection("kelvin", channel).StreamAsync("q-1", plan, pems, Now, TimeSpan.FromSeconds(30), CancellationToken.None));

        var single = new QueryExecutor(SplitVizier.Union(stores), () => Now).Execute(new QueryRequest(Script));
        result.Warnings.Should().BeEmpty();
        result.Tables.Select(t => t.Name).Should().Equal("output", "raw");
        SplitVizier.CanonicalRows(result.Tables[0]).Should().Equal(SplitVizier.CanonicalRows(single.Tables[0]));
        result.Tables[1].RowCount.Should().Be(300);
        result.Tables[1].Relation.Columns.Select(c => (c.Name, c.Type, c.Semantic)).Should().Equal(single.Tables[1].Relation.Columns.Select(c => (c.Name, c.Type, c.Semantic)));
        result.Stats.RecordsProcessed.Should().Be((2 * Rows) + (2 * HttpEventsGenerator.BatchRows), "each pem reads all its rows for the groupby and one batch for head(300)");
    }

    [Test]
    public async Task RemoteKelvin_OnePemAddressDead_WarnsNamingItAndReturnsTheOthers()
    {
        var store = Store(1, 1);
        await using var pem1 = await PemHost(store);
        await using var kelvin = await RpcTestHost.StartAsync(
            s => s.AddSingleton(new QueryExecutor(new TableStore(), () => Now)).AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                .AddSingleton<ClusterExecutor>().AddSingleton<RpcChannelPool>().AddSingleton<KelvinService>(),
            app => app.MapKelvin());
        var (query, _, maxRows) = new QueryExecutor(new TableStore(), () => Now).PlanLogical(new QueryRequest(
            "import px\ndf = px.DataFrame(table='http_events', start_time='-1h')\npx.display(df.agg(n=('latency', px.count)))"));
        using var channel = new RpcChannel(kelvin.Address);
        PemTarget[] pems = [new("pem 1", $"127.0.0.1:{pem1.Port}"), new("pem 9 (gone)", $"127.0.0.1:{RpcTestHost.FreePort()}")];

        var result = await ClusterResult.CollectAsync(new RemoteKelvinConnection("kelvin", channel)
            .StreamAsync("q-2", DistributedPlanner.Split(query, maxRows), pems, Now, TimeSpan.FromSeconds(30), CancellationToken.None));

        result.Warnings.Should().ContainSingle().Which.Should().StartWith("pem 9 (gone) failed during the query (Unavailable");
        result.Tables[0].Batches[0].Columns[0].GetValue(0).Should().Be(Rows);
    }

    [Test]
    public async Task RemotePem_BadPlan_FailsWithInvalidArgumentNamingTheFunction()
    {
        await using var pem = await PemHost(Store(1, 1));
        var (query, _, maxRows) = new QueryExecutor(new TableStore(), () => Now).PlanLogical(new QueryRequest(
            "import px\ndf = px.DataFrame(table='http_events', start_time='-1h')\ndf.x = px.toupper(df.req_path)\npx.display(df)"));
        var fragment = DistributedPlanner.Split(query, maxRows).NodeFragments[0];
        var pb = PlanCodec.Encode(fragment);
        pb.Root.Limit.Input.Map.Exprs.Single(e => e.Name == "x").Expr.Call.Function = "no_such_fn";
        using var channel = new RpcChannel(pem.Address);

        var act = async () =>
        {
            await foreach (var _ in channel.ServerStreamingAsync(Modules.Rpc.Plan.InternalMethods.ExecuteFragment, new Modules.Rpc.Plan.ExecuteFragmentRequest { QueryId = "q", Fragment = pb, NowNs = Now }))
            {
            }
        };

        (await act.Should().ThrowAsync<Modules.Rpc.RpcException>()).Which.Status.Should().Be(Modules.Rpc.StatusCode.InvalidArgument);
    }

    private static Task<RpcTestHost> PemHost(TableStore store) => RpcTestHost.StartAsync(
        s => s.AddSingleton(new QueryExecutor(store, () => Now)).AddSingleton<PemFragmentService>(),
        app => app.MapPemFragments());

    private static TableStore Store(int seed, uint asid)
    {
        var store = new TableStore(new TableStoreOptions { DataLimitMb = 2_000 });
        var table = store.GetOrAdd(Modules.Pem.PemSchemas.HttpEvents);
        foreach (var b in HttpEventsGenerator.Batches(Rows, seed, HttpEventsGenerator.StartNs, asid))
        {
            table.Append(b);
        }

        return store;
    }
}
