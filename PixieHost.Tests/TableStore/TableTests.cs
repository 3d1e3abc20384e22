using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.TableStoreTests;

[TestFixture]
public class TableTests
{
    private static readonly TableSchema Schema = new("t",
    [
        new ColumnSchema("time_", DataType.Time64NS),
        new ColumnSchema("value", DataType.Int64),
        new ColumnSchema("name", DataType.String),
    ]);

    private static RowBatch Batch(long firstTime, int rows, string text = "payload")
    {
        var b = new RowBatchBuilder(Schema, rows);
        for (var i = 0; i < rows; i++)
        {
            b.Column<Int64ColumnBuilder>(0).Append(firstTime + i);
            b.Column<Int64ColumnBuilder>(1).Append(firstTime + i);
            b.Column<StringColumnBuilder>(2).Append($"{text}-{firstTime + i}");
        }

        return b.Build();
    }

    [Test]
    public void Append_TenTimesTheBudget_NeverHoldsMoreThanBudgetAndKeepsNewest()
    {
        const long budget = 256 * 1024;
        var table = new Table(Schema, budget);
        long written = 0;
        long time = 0;
        var maxSeen = 0L;
        while (written < 10 * budget)
        {
            var batch = Batch(time, 500);
            written += batch.ByteSize;
            time += 500;
            table.Append(batch);
            maxSeen = Math.Max(maxSeen, table.Bytes);
            table.Bytes.Should().BeLessThanOrEqualTo(budget);
        }

        maxSeen.Should().BeGreaterThan(budget / 2, "the table should fill up to its budget before evicting");
        table.RowsEvicted.Should().BeGreaterThan(0);
        var times = table.Scan().SelectMany(b => ((Int64Column)b["time_"]).Values.Take(b.RowCount)).ToList();
        times.Should().BeInAscendingOrder();
        times[^1].Should().Be(time - 1, "the newest row survives eviction");
        times[0].Should().BeGreaterThan(0, "the oldest rows were evicted first");
        (table.RowCount + table.RowsEvicted).Should().Be(time);
    }

    [Test]
    public void Append_BatchLargerThanBudget_KeepsItsNewestRowsWithinBudget()
    {
        var table = new Table(Schema, 4096);
        table.Append(Batch(0, 2000));
        table.Bytes.Should().BeLessThanOrEqualTo(4096);
        table.RowCount.Should().BeGreaterThan(0);
        var times = ((Int64Column)table.Scan().Single()["time_"]).Values;
        times[table.RowCount - 1].Should().Be(1999);
    }

    [Test]
    public void Scan_TimeRange_SkipsBatchesOutsideAndFiltersPartialOnes()
    {
        var table = new Table(Schema, 1 << 20);
        table.Append(Batch(0, 100));
        table.Append(Batch(100, 100));
        table.Append(Batch(200, 100));
        var rows = table.Scan(150, 249).ToList();
        rows.Sum(b => b.RowCount).Should().Be(100);
        rows.SelectMany(b => ((Int64Column)b["value"]).Values.Take(b.RowCount)).Should().OnlyContain(v => v >= 150 && v <= 249);
        ((StringColumn)rows[0]["name"]).GetString(0).Should().Be("payload-150");
    }

    [Test]
    public void Append_Builder_TrimsSpareCapacityBeforeCharging()
    {
        var table = new Table(Schema, 1 << 20);
        var b = new RowBatchBuilder(Schema, 10_000);
        b.AppendRow(1L, 2L, "x");
        table.Append(b.Build());
        table.Bytes.Should().BeLessThan(100, "a one-row batch must not be charged for the builder's 10k-row buffers");
    }

    [Test]
    public void TableStore_DefaultBudgets_FollowPixie()
    {
        var store = new Modules.TableStore.TableStore();
        foreach (var s in PemSchemas.All)
        {
            store.GetOrAdd(s);
        }

        store.TotalBudgetBytes.Should().Be(1280L * 1024 * 1024);
        store.Find("http_events")!.BudgetBytes.Should().Be(512L * 1024 * 1024, "40 % of 1280 MiB");
        var others = PemSchemas.All.Count - 4; // http_events, proc_exit_events and the two error tables have their own budgets
        var rest = (1280L - 512 - 2 - 10) * 1024 * 1024 / others;
        store.Find("process_stats")!.BudgetBytes.Should().Be(rest);
        store.Tables.Sum(t => t.BudgetBytes).Should().BeLessThanOrEqualTo(store.TotalBudgetBytes);
    }
}
