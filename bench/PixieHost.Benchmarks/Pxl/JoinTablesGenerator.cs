using System.Text;
using PixieHost.Modules.Pem.Synthetic;
using PixieHost.Modules.TableStore;

namespace PixieHost.Benchmarks.Pxl;

/// <summary>The join benchmark's tables (http_events come from the product's <see cref="HttpEventsGenerator"/>).</summary>
public static class JoinTablesGenerator
{
    /// <summary>Two 1M-row tables for the join benchmark: requests and their owners, joined on a unique req_id.</summary>
    public static void AddJoinTables(TableStore store, int rows, int seed = 7)
    {
        var rng = new Random(seed);
        var left = store.GetOrAdd(new TableSchema("join_requests",
        [
            new ColumnSchema("time_", DataType.Time64NS), new ColumnSchema("req_id", DataType.Int64),
            new ColumnSchema("latency", DataType.Int64), new ColumnSchema("req_path", DataType.String),
        ]));
        var right = store.GetOrAdd(new TableSchema("join_owners",
        [
            new ColumnSchema("time_", DataType.Time64NS), new ColumnSchema("id", DataType.Int64),
            new ColumnSchema("service", DataType.String), new ColumnSchema("resp_status", DataType.Int64),
        ]));
        var ids = Enumerable.Range(0, rows).Select(i => (long)i * 7919).ToArray();
        rng.Shuffle(ids);
        for (var start = 0; start < rows; start += HttpEventsGenerator.BatchRows)
        {
            var n = Math.Min(HttpEventsGenerator.BatchRows, rows - start);
            var l = new RowBatchBuilder(left.Schema, n);
            var r = new RowBatchBuilder(right.Schema, n);
            for (var i = start; i < start + n; i++)
            {
                ((Int64ColumnBuilder)l.Columns[0]).Append(HttpEventsGenerator.StartNs + i);
                ((Int64ColumnBuilder)l.Columns[1]).Append((long)i * 7919);
                ((Int64ColumnBuilder)l.Columns[2]).Append((long)Math.Exp(Math.Log(2e6) + HttpEventsGenerator.Gaussian(rng)));
                ((StringColumnBuilder)l.Columns[3]).Append(Encoding.UTF8.GetBytes($"/api/resource{rng.Next(1000)}"));
                ((Int64ColumnBuilder)r.Columns[0]).Append(HttpEventsGenerator.StartNs + i);
                ((Int64ColumnBuilder)r.Columns[1]).Append(ids[i]);
                ((StringColumnBuilder)r.Columns[2]).Append($"svc{rng.Next(20)}");
                ((Int64ColumnBuilder)r.Columns[3]).Append(rng.Next(10) == 0 ? 500 : 200);
            }

            left.Append(l.Build());
            right.Append(r.Build());
        }
    }
}
