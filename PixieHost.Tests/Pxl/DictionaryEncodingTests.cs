using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Physical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl;

/// <summary>Dictionary-encoded strings, selection-vector filters and code group-by must equal the plain paths.</summary>
[TestFixture]
public class DictionaryEncodingTests
{
    private static readonly TableSchema Schema = new("t",
    [
        new ColumnSchema("a", DataType.String), new ColumnSchema("b", DataType.String), new ColumnSchema("v", DataType.Int64),
    ]);

    private sealed record Row(string A, string B, long V);

    /// <summary>Batches of random sizes (some empty); column b has a dictionary in some batches and too many distinct values in others.</summary>
    private static (List<Row> Rows, List<RowBatch> Batches) RandomBatches(int seed, bool encode)
    {
        var rng = new Random(seed);
        var rows = new List<Row>();
        var batches = new List<RowBatch>();
        for (var b = 0; b < 12; b++)
        {
            var n = b % 5 == 4 ? 0 : rng.Next(1, 600);
            var unique = b % 3 == 1;
            var batchRows = Enumerable.Range(0, n).Select(i => new Row(
                $"m{rng.Next(4 + b)}",
                unique ? $"u{b}-{i}" : $"/p{rng.Next(1, 30)}",
                rng.Next(-50, 1000))).ToList();
            rows.AddRange(batchRows);
            var a = StringColumn.FromStrings(batchRows.Select(r => r.A).ToList());
            var bs = StringColumn.FromStrings(batchRows.Select(r => r.B).ToList());
            if (encode && a.Dictionary is { } d)
            {
                a = new StringColumn(d.Codes, d.Values, n);
            }

            batches.Add(new RowBatch(Schema, [a, bs, new Int64Column(batchRows.Select(r => r.V).ToArray(), n)], n));
        }

        return (rows, batches);
    }

    private static LogicalExpr Compare(string fn, string column, DataType type, object literal)
    {
        FunctionRegistry.Default.TryGetScalar(fn, out var f).Should().BeTrue();
        f.TryResolve([type, type], out var overload).Should().BeTrue();
        return new FunctionExpr(f, overload, [new ColumnExpr(column, type, SemanticType.None), new LiteralExpr(literal, type)]);
    }

    private static AggregateCall Agg(string name, string fn)
    {
        FunctionRegistry.Default.TryGetAggregate(fn, out var f).Should().BeTrue();
        f.TryResolve(DataType.Int64, out var result).Should().BeTrue();
        return new AggregateCall(name, f, new ColumnExpr("v", DataType.Int64, SemanticType.None), result, SemanticType.None);
    }

    private static List<string> Run(IReadOnlyList<RowBatch> batches, LogicalExpr? filter, params string[] keys)
    {
        ExecNode input = new MemoryExec(Schema, batches);
        if (filter is not null)
        {
            input = new FilterExec(input, filter);
        }

        var exec = new AggregateExec(AggregateMode.Single, input, keys.Select(k => new ColumnExpr(k, DataType.String, SemanticType.None)).ToArray(),
            [Agg("n", "count"), Agg("s", "sum"), Agg("lo", "min"), Agg("hi", "max"), Agg("m", "mean")]);
        var result = new List<string>();
        foreach (var batch in exec.Execute(new ExecContext(new TableStore())))
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                result.Add(string.Join("|", batch.Columns.Select(c => c.GetValue(r) is double d ? d.ToString("F6") : c.GetValue(r)?.ToString())));
            }
        }

        return result;
    }

    private static List<string> Expected(IEnumerable<Row> rows, Func<Row, string> key) =>
        rows.GroupBy(key).Select(g => $"{g.Key}|{g.Count()}|{g.Sum(r => r.V)}|{g.Min(r => r.V)}|{g.Max(r => r.V)}|{g.Average(r => (double)r.V):F6}").ToList();

    [TestCase(1, false)]
    [TestCase(2, true)]
    [TestCase(3, true)]
    public void Aggregate_TwoStringKeysAfterStringFilter_EqualsLinq(int seed, bool encode)
    {
        var (rows, batches) = RandomBatches(seed, encode);

        var actual = Run(batches, Compare("not_equal", "a", DataType.String, "m1"), "a", "b");

        actual.Should().BeEquivalentTo(Expected(rows.Where(r => r.A != "m1"), r => $"{r.A}|{r.B}"));
    }

    [Test]
    public void Aggregate_OneStringKeyAfterIntFilter_EqualsLinq()
    {
        var (rows, batches) = RandomBatches(4, encode: true);

        var actual = Run(batches, Compare("greater_than_equal", "v", DataType.Int64, 500L), "b");

        actual.Should().BeEquivalentTo(Expected(rows.Where(r => r.V >= 500), r => r.B));
    }

    [Test]
    public void Aggregate_FilterRemovesEverything_NoGroups()
    {
        var (_, batches) = RandomBatches(5, encode: true);

        Run(batches, Compare("equal", "a", DataType.String, "absent"), "a", "b").Should().BeEmpty();
    }

    [Test]
    public void Aggregate_KeysAcrossBatchesWithDifferentDictionaries_OneGroupPerKey()
    {
        var first = StringColumn.FromStrings(["x", "y", "x", "y"]);
        var second = StringColumn.FromStrings(["y", "z", "y", "z"]);
        var batches = new[] { first, second }.Select(c => new RowBatch(Schema, [c, StringColumn.FromStrings(["k", "k", "k", "k"]), new Int64Column([1, 2, 3, 4], 4)], 4)).ToList();

        var actual = Run(batches, null, "a");

        actual.Should().BeEquivalentTo(["x|2|4|1|3|2.000000", "y|4|10|1|4|2.500000", "z|2|6|2|4|3.000000"]);
    }

    [Test]
    public void Dictionary_EncodedColumn_ReadsLikePlain()
    {
        var plain = StringColumn.FromStrings(["GET", "POST", "GET", "", "GET", "PUT"]);
        var dict = plain.Dictionary!;

        dict.Count.Should().Be(4);
        dict.IndexOf("GET"u8).Should().Be(0);
        dict.IndexOf("DELETE"u8).Should().Be(-1);
        var encoded = new StringColumn(dict.Codes, dict.Values, plain.Length);
        Enumerable.Range(0, 6).Select(encoded.GetString).Should().Equal(Enumerable.Range(0, 6).Select(plain.GetString));
        encoded.Data.Should().Equal(plain.Data.Take(plain.Offsets[6]));
        encoded.Offsets.Take(7).Should().Equal(plain.Offsets.Take(7));
        ((StringColumn)encoded.Slice(1, 3)).GetString(2).Should().Be(string.Empty);
    }

    [Test]
    public void Dictionary_MostlyDistinctValues_IsNull()
    {
        StringColumn.FromStrings(Enumerable.Range(0, 100).Select(i => $"v{i}").ToList()).Dictionary.Should().BeNull();
    }

    [Test]
    public void Filter_GatherOfEncodedColumn_StaysEncodedAndEqual()
    {
        var (rows, batches) = RandomBatches(6, encode: true);
        var filter = new FilterExec(new MemoryExec(Schema, batches), Compare("equal", "a", DataType.String, "m2"));

        var output = filter.Execute(new ExecContext(new TableStore())).ToList();

        output.Where(b => b.RowCount > 0).Should().OnlyContain(b => ((StringColumn)b[0]).IsEncoded);
        output.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(r => $"{((StringColumn)b[0]).GetString(r)}{((StringColumn)b[1]).GetString(r)}{b[2].GetValue(r)}"))
            .Should().Equal(rows.Where(r => r.A == "m2").Select(r => $"{r.A}{r.B}{r.V}"));
    }
}
