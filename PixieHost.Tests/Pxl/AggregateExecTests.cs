using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Physical;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class AggregateExecTests
{
    private static AggregateCall Call(string name, string fn, string column, DataType type)
    {
        FunctionRegistry.Default.TryGetAggregate(fn, out var f).Should().BeTrue();
        f.TryResolve(type, out var result).Should().BeTrue();
        return new AggregateCall(name, f, new ColumnExpr(column, type, SemanticType.None), result, SemanticType.None);
    }

    [Test]
    public void Execute_PartialOnTwoNodesThenFinal_EqualsSingle()
    {
        var rows = HttpEventsData.Rows(5000);
        var store = HttpEventsData.Store(rows, batchSize: 700);
        var batches = store.Find("http_events")!.Scan().ToList();
        var keys = new[] { new ColumnExpr("req_method", DataType.String, SemanticType.None), new ColumnExpr("resp_status", DataType.Int64, SemanticType.None) };
        var aggs = new[]
        {
            Call("n", "count", "latency", DataType.Int64),
            Call("avg", "mean", "latency", DataType.Int64),
            Call("total", "sum", "latency", DataType.Int64),
            Call("lo", "min", "latency", DataType.Int64),
            Call("hi", "max", "latency", DataType.Int64),
            Call("q", "quantiles", "latency", DataType.Int64),
        };
        var context = new ExecContext(store);

        var single = new AggregateExec(AggregateMode.Single, new MemoryExec(PemSchemas.HttpEvents, batches), keys, aggs);
        var nodeA = new AggregateExec(AggregateMode.Partial, new MemoryExec(PemSchemas.HttpEvents, batches.Take(3).ToList()), keys, aggs);
        var nodeB = new AggregateExec(AggregateMode.Partial, new MemoryExec(PemSchemas.HttpEvents, batches.Skip(3).ToList()), keys, aggs);
        var partials = nodeA.Execute(context).Concat(nodeB.Execute(context)).ToList();
        nodeA.Schema.Columns.Select(c => c.Name).Should().Equal("req_method", "resp_status", "n", "avg$0", "avg$1", "total", "lo", "hi", "q");
        var final = new AggregateExec(AggregateMode.Final, new MemoryExec(nodeA.Schema, partials), keys, aggs);

        var expected = Rows(single.Execute(context));
        var actual = Rows(final.Execute(context));
        actual.Should().BeEquivalentTo(expected);
        expected.Should().HaveCount(rows.Select(r => (r.Method, r.Status)).Distinct().Count());
        expected.Sum(r => (long)r["n"]!).Should().Be(5000);
    }

    [Test]
    public void Execute_ManyGroups_GrowsHashTable()
    {
        var schema = new TableSchema("t", [new ColumnSchema("k", DataType.Int64), new ColumnSchema("v", DataType.Float64)]);
        var n = 50_000;
        var k = new long[n];
        var v = new double[n];
        for (var i = 0; i < n; i++)
        {
            k[i] = i % 20_000;
            v[i] = i;
        }

        var batch = new RowBatch(schema, [new Int64Column(k, n), new Float64Column(v, n)], n);
        var exec = new AggregateExec(AggregateMode.Single, new MemoryExec(schema, [batch]),
            [new ColumnExpr("k", DataType.Int64, SemanticType.None)], [Call("s", "sum", "v", DataType.Float64)]);
        var result = Rows(exec.Execute(new ExecContext(new TableStore())));
        result.Should().HaveCount(20_000);
        var byKey = result.ToDictionary(r => (long)r["k"]!, r => (double)r["s"]!);
        byKey[7].Should().Be(7 + 20_007 + 40_007);
        byKey[19_999].Should().Be(19_999 + 39_999);
    }

    private static List<Dictionary<string, object?>> Rows(IEnumerable<RowBatch> batches)
    {
        var list = batches.ToList();
        return ResultRows.Of(new Modules.Pxl.ResultTable("x", list[0].Schema, list));
    }
}
