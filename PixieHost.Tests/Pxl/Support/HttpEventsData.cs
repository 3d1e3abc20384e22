using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl.Support;

/// <summary>One synthetic http_events row, kept as plain values so tests can compute expectations independently.</summary>
public sealed record HttpRow(long Time, string Method, string Path, long Status, long Latency, string RemoteAddr, long RemotePort);

/// <summary>Deterministic synthetic http_events, loaded into a <see cref="TableStore"/> in batches.</summary>
public static class HttpEventsData
{
    /// <summary>The fixed "now" of these tests: 2026-01-01T12:00:00Z in ns.</summary>
    public static readonly long Now = (new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];
    private static readonly string[] Paths = ["/api/users", "/api/orders", "/healthz", "/metrics", "/api/items/42"];
    private static readonly long[] Statuses = [200, 200, 200, 201, 204, 301, 404, 500, 503];

    /// <summary><paramref name="count"/> rows, one every <paramref name="stepNs"/>, the newest at <see cref="Now"/>, oldest first.</summary>
    public static List<HttpRow> Rows(int count, long stepNs = 1_000_000_000, int seed = 7)
    {
        var rng = new Random(seed);
        var rows = new List<HttpRow>(count);
        for (var i = count - 1; i >= 0; i--)
        {
            rows.Add(new HttpRow(
                Now - (i * stepNs),
                Methods[rng.Next(Methods.Length)],
                Paths[rng.Next(Paths.Length)],
                Statuses[rng.Next(Statuses.Length)],
                rng.Next(100_000, 50_000_000),
                $"10.0.0.{rng.Next(1, 20)}",
                rng.Next(1024, 65535)));
        }

        return rows;
    }

    public static TableStore Store(IReadOnlyList<HttpRow> rows, int batchSize = 1000)
    {
        var store = new TableStore(new TableStoreOptions { DataLimitMb = 4096, HttpEventsPercent = 90 });
        var table = store.GetOrAdd(PemSchemas.HttpEvents);
        for (var start = 0; start < rows.Count; start += batchSize)
        {
            table.Append(Batch(rows, start, Math.Min(batchSize, rows.Count - start)));
        }

        return store;
    }

    private static RowBatch Batch(IReadOnlyList<HttpRow> rows, int start, int count)
    {
        var b = new RowBatchBuilder(PemSchemas.HttpEvents, count);
        var c = b.Columns;
        for (var i = start; i < start + count; i++)
        {
            var r = rows[i];
            ((Int64ColumnBuilder)c[0]).Append(r.Time);
            ((UInt128ColumnBuilder)c[1]).Append(new Upid(1, (uint)(1000 + (i % 3)), 42).Value);
            ((StringColumnBuilder)c[2]).Append(r.RemoteAddr);
            ((Int64ColumnBuilder)c[3]).Append(r.RemotePort);
            ((StringColumnBuilder)c[4]).Append("10.0.0.1");
            ((Int64ColumnBuilder)c[5]).Append(8080);
            ((Int64ColumnBuilder)c[6]).Append(2);
            ((BooleanColumnBuilder)c[7]).Append(false);
            ((Int64ColumnBuilder)c[8]).Append(1);
            ((Int64ColumnBuilder)c[9]).Append(1);
            ((Int64ColumnBuilder)c[10]).Append(0);
            ((StringColumnBuilder)c[11]).Append("{}");
            ((StringColumnBuilder)c[12]).Append(r.Method);
            ((StringColumnBuilder)c[13]).Append(r.Path);
            ((StringColumnBuilder)c[14]).Append(string.Empty);
            ((Int64ColumnBuilder)c[15]).Append(0);
            ((StringColumnBuilder)c[16]).Append("{}");
            ((Int64ColumnBuilder)c[17]).Append(r.Status);
            ((StringColumnBuilder)c[18]).Append(r.Status < 400 ? "OK" : "Error");
            ((StringColumnBuilder)c[19]).Append(string.Empty);
            ((Int64ColumnBuilder)c[20]).Append(r.Latency % 1000);
            ((Int64ColumnBuilder)c[21]).Append(r.Latency);
        }

        return b.Build();
    }
}

/// <summary>Reads result tables back as rows of boxed values (cold path, tests only).</summary>
public static class ResultRows
{
    public static List<Dictionary<string, object?>> Of(Modules.Pxl.ResultTable table)
    {
        var rows = new List<Dictionary<string, object?>>();
        foreach (var batch in table.Batches)
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var c = 0; c < batch.Columns.Count; c++)
                {
                    row[table.Relation[c].Name] = batch[c].GetValue(r);
                }

                rows.Add(row);
            }
        }

        return rows;
    }
}
