using System.Runtime.CompilerServices;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Pem.Synthetic;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Kelvin;

/// <summary>
/// Split plans over several pems' stores (in process) against one node holding all of their rows: the broker's
/// split, partial and final aggregates, limits on both sides and the kelvin's fragment inputs must give the same rows.
/// </summary>
[TestFixture]
public class DistributedExecutionTests
{
    private const long Rows = 30_000;
    private static readonly long Start = HttpEventsGenerator.StartNs;
    private static readonly long Now = Start + (Rows * HttpEventsGenerator.RowSpacingNs) + 1;

    public static IEnumerable<TestCaseData> Scripts()
    {
        yield return new TestCaseData("groupby", """
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            df.failure = df.resp_status >= 400
            df = df.groupby(['req_path', 'req_method']).agg(
                n=('latency', px.count), mean=('latency', px.mean), q=('latency', px.quantiles),
                errors=('failure', px.sum), rate=('failure', px.mean), hi=('latency', px.max), lo=('latency', px.min))
            df.p99 = px.pluck_float64(df.q, 'p99')
            px.display(df)
            """);
        yield return new TestCaseData("global count", """
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            df = df[df.req_path != '/healthz']
            px.display(df.agg(n=('latency', px.count), total=('resp_body_size', px.sum)))
            """);
        yield return new TestCaseData("by upid then by status", """
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            df = df.groupby(['upid', 'resp_status']).agg(n=('latency', px.count))
            df = df.groupby('resp_status').agg(pods=('upid', px.count), n=('n', px.sum))
            px.display(df)
            """);
        yield return new TestCaseData("join of two aggregates", """
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            a = df.groupby('req_path').agg(n=('latency', px.count))
            b = df[df.resp_status >= 500].groupby('req_path').agg(errors=('latency', px.count))
            px.display(a.merge(b, how='left', left_on='req_path', right_on='req_path', suffixes=['', '_b']))
            """);
        yield return new TestCaseData("append", """
            import px
            a = px.DataFrame(table='http_events', start_time='-1h')
            a = a[a.resp_status == 503].groupby('req_method').agg(n=('latency', px.count))
            b = px.DataFrame(table='http_events', start_time='-1h')
            b = b[b.resp_status == 404].groupby('req_method').agg(n=('latency', px.count))
            px.display(a.append(b))
            """);
        yield return new TestCaseData("filtered rows", """
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            df = df[df.resp_status == 503]
            df = df[['time_', 'upid', 'req_path', 'latency']]
            px.display(df)
            """);
    }

    [TestCaseSource(nameof(Scripts))]
    public async Task Execute_TwoPems_EqualsOneNodeWithTheirUnion(string name, string script)
    {
        var stores = new[] { PemStore(seed: 1, asid: 1), PemStore(seed: 2, asid: 2) };
        var split = await new SplitVizier(stores, Now).Executor.ExecuteAsync(new QueryRequest(script));
        var single = await new QueryExecutor(SplitVizier.Union(stores), () => Now).ExecuteAsync(new QueryRequest(script));

        split.Warnings.Should().BeEmpty();
        split.Tables.Should().HaveSameCount(single.Tables);
        for (var t = 0; t < single.Tables.Count; t++)
        {
            split.Tables[t].Relation.Columns.Should().Equal(single.Tables[t].Relation.Columns, name);
            single.Tables[t].RowCount.Should().BeGreaterThan(0, "the query must have rows to compare");
            SplitVizier.CanonicalRows(split.Tables[t]).Should().Equal(SplitVizier.CanonicalRows(single.Tables[t]), name);
        }

        split.Stats.RecordsProcessed.Should().Be(single.Stats.RecordsProcessed, "every pem reads its own rows once per source");
    }

    [Test]
    public async Task Execute_HeadOverTwoPems_ReturnsTheLimitOnly()
    {
        var stores = new[] { PemStore(1, 1), PemStore(2, 2) };
        var result = await new SplitVizier(stores, Now).Executor.ExecuteAsync(new QueryRequest("""
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            px.display(df.head(25))
            """));

        result.Tables[0].RowCount.Should().Be(25);
    }

    [Test]
    public async Task Execute_RowsBeyondTheOutputLimit_EachPemShipsAtMostTheLimit()
    {
        var stores = new[] { PemStore(1, 1), PemStore(2, 2) };
        var counting = new List<CountingPem>();
        var vizier = new SplitVizier(stores, Now)
        {
            Wrap = (_, c) =>
            {
                var w = new CountingPem(c);
                lock (counting)
                {
                    counting.Add(w);
                }

                return w;
            },
        };

        var result = await vizier.Executor.ExecuteAsync(new QueryRequest("import px\npx.display(px.DataFrame(table='http_events', start_time='-1h'))"));

        result.Tables[0].RowCount.Should().Be(QueryExecutor.DefaultMaxOutputRowsPerTable);
        counting.Should().HaveCount(2);
        counting.Should().OnlyContain(c => c.Rows <= QueryExecutor.DefaultMaxOutputRowsPerTable);
    }

    [Test]
    public async Task Execute_PemFails_EndsWithTheOtherPemsRowsAndAWarningNamingIt()
    {
        var stores = new[] { PemStore(1, 1), PemStore(2, 2) };
        var vizier = new SplitVizier(stores, Now) { Wrap = (i, c) => i == 1 ? new FailingPem(c, afterBatches: 0) : c };
        const string Script = """
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            px.display(df.agg(n=('latency', px.count)))
            """;

        var result = await vizier.Executor.ExecuteAsync(new QueryRequest(Script));

        result.Warnings.Should().ContainSingle().Which.Should().Contain("pem 2").And.Contain("connection reset").And.Contain("missing its data");
        var n = (long)result.Tables[0].Batches[0].Columns[0].GetValue(0)!;
        n.Should().Be(Rows, "pem 1's rows are all there, pem 2's are not");
    }

    [Test]
    public async Task Execute_PemFailsAfterTwoBatches_KeepsTheRowsItSentAndWarns()
    {
        var stores = new[] { PemStore(1, 1), PemStore(2, 2) };
        var vizier = new SplitVizier(stores, Now) { Wrap = (i, c) => i == 1 ? new FailingPem(c, afterBatches: 2) : c };
        const string Script = """
            #px:set max_output_rows_per_table=100000
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            px.display(df[['time_', 'upid', 'latency']])
            """;

        var result = await vizier.Executor.ExecuteAsync(new QueryRequest(Script));

        result.Warnings.Should().ContainSingle().Which.Should().StartWith("pem 2 failed during the query");
        result.Tables[0].RowCount.Should().Be(Rows + (2 * HttpEventsGenerator.BatchRows), "all of pem 1 and the two batches pem 2 sent before it failed");
    }

    [Test]
    public async Task Execute_NoPems_StillAnswersWithEmptyTables()
    {
        var result = await new SplitVizier([], Now).Executor.ExecuteAsync(new QueryRequest("""
            import px
            df = px.DataFrame(table='http_events', start_time='-1h')
            px.display(df.agg(n=('latency', px.count)))
            px.display(df.groupby('req_path').agg(n=('latency', px.count)), 'by_path')
            """));

        result.Tables.Should().HaveCount(2);
        result.Tables[0].Batches[0].Columns[0].GetValue(0).Should().Be(0L);
        result.Tables[1].RowCount.Should().Be(0);
    }

    public static IEnumerable<string> LibraryScripts() => ScriptLibrary.Embedded.List().Select(s => s.Name);

    /// <summary>Every library script: one pem with the library's data plus an empty pem gives the single-node rows.</summary>
    [TestCaseSource(nameof(LibraryScripts))]
    public async Task Execute_LibraryScriptOnTwoPems_EqualsSingleNode(string name)
    {
        var script = ScriptLibrary.Embedded.TryGet(name, out var s) ? s : throw new AssertionException(name);
        var functions = Modules.Pxl.Functions.FunctionRegistry.Create(LibraryData.Pods());
        var request = new QueryRequest(script.Pxl, QueryName: name);
        var split = await new SplitVizier([LibraryData.Filled(), LibraryData.Empty()], HttpEventsData.Now, functions).Executor.ExecuteAsync(request);
        var single = await new QueryExecutor(LibraryData.Filled(), () => HttpEventsData.Now, functions: functions).ExecuteAsync(request);

        split.Tables.Select(t => t.Name).Should().Equal(single.Tables.Select(t => t.Name));
        for (var t = 0; t < single.Tables.Count; t++)
        {
            if (name is "px/agent_status" or "px/funcs" or "px/schemas")
            {
                split.Tables[t].RowCount.Should().Be(single.Tables[t].RowCount);
                continue;
            }

            SplitVizier.CanonicalRows(split.Tables[t]).Should().Equal(SplitVizier.CanonicalRows(single.Tables[t]), $"{name}: {single.Tables[t].Name}");
        }
    }

    private static TableStore PemStore(int seed, uint asid)
    {
        var store = new TableStore(new TableStoreOptions { DataLimitMb = 2_000 });
        var table = store.GetOrAdd(Modules.Pem.PemSchemas.HttpEvents);
        foreach (var b in HttpEventsGenerator.Batches(Rows, seed, Start, asid))
        {
            table.Append(b);
        }

        return store;
    }

    private sealed class CountingPem(IPemConnection inner) : IPemConnection
    {
        private long _rows;

        public string Name => inner.Name;

        public string Address => inner.Address;

        public long Rows => Interlocked.Read(ref _rows);

        public async IAsyncEnumerable<RowBatch> ExecuteAsync(string queryId, PlanFragment fragment, long nowNs, FragmentCounters counters, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var b in inner.ExecuteAsync(queryId, fragment, nowNs, counters, cancellationToken))
            {
                Interlocked.Add(ref _rows, b.RowCount);
                yield return b;
            }
        }
    }

    /// <summary>Delivers some batches, then fails as a pem whose process died would (the stream resets).</summary>
    private sealed class FailingPem(IPemConnection inner, int afterBatches) : IPemConnection
    {
        public string Name => inner.Name;

        public string Address => inner.Address;

        public async IAsyncEnumerable<RowBatch> ExecuteAsync(string queryId, PlanFragment fragment, long nowNs, FragmentCounters counters, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var n = 0;
            await foreach (var b in inner.ExecuteAsync(queryId, fragment, nowNs, counters, cancellationToken))
            {
                if (n++ == afterBatches)
                {
                    throw new IOException("connection reset by peer");
                }

                yield return b;
            }
        }
    }
}
