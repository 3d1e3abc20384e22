using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Synthetic;

/// <summary>
/// Synthetic http_events in the PEM's schema, in 8192-row batches like the tracer's: 20 pods (upids), ~10 methods,
/// 1000 paths with one or two methods each (as real APIs have), log-normal latency (median 2 ms), a status mix,
/// 10,000 rows per second of event time. Deterministic for a given seed, start time and agent short id: benchmarks,
/// demos and the split-role tests load the same rows into several pems and into one reference store.
/// </summary>
public static class HttpEventsGenerator
{
    public const int BatchRows = 8192;
    public const long StartNs = 1_700_000_000_000_000_000L;
    public const long RowSpacingNs = 100_000;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "PROPFIND"];
    private static readonly (long Status, string Message, int Weight)[] Statuses =
        [(200, "OK", 850), (201, "Created", 30), (204, "No Content", 20), (301, "Moved Permanently", 10), (400, "Bad Request", 20),
         (404, "Not Found", 40), (500, "Internal Server Error", 20), (503, "Service Unavailable", 10)];

    /// <summary>The path every tenth script filters out: 3 % of the traffic.</summary>
    public const string HealthPath = "/healthz";

    public static TableStore.TableStore CreateStore(long rows, int seed = 42)
    {
        var store = new TableStore.TableStore(new TableStoreOptions { DataLimitMb = 20_000, HttpEventsPercent = 90 });
        var table = store.GetOrAdd(PemSchemas.HttpEvents);
        foreach (var batch in Batches(rows, seed))
        {
            table.Append(batch);
        }

        return store;
    }

    /// <param name="rows">How many rows.</param>
    /// <param name="seed">The random seed: same seed, same rows.</param>
    /// <param name="startNs">time_ of the first row; rows follow every <see cref="RowSpacingNs"/>.</param>
    /// <param name="asid">The agent short id in the upids' first 32 bits (default 1).</param>
    public static IEnumerable<RowBatch> Batches(long rows, int seed = 42, long startNs = StartNs, uint asid = 1)
    {
        var rng = new Random(seed);
        var paths = new string[1000];
        var pathMethods = new (int Primary, int Secondary)[paths.Length];
        paths[0] = HealthPath;
        for (var p = 1; p < paths.Length; p++)
        {
            paths[p] = $"/api/v{1 + (p % 3)}/svc{p % 20}/resource{p}/items";
        }

        for (var p = 0; p < paths.Length; p++)
        {
            var primary = rng.Next(100) < 60 ? 0 : 1 + rng.Next(Methods.Length - 1);
            pathMethods[p] = (primary, rng.Next(Methods.Length));
        }

        var upids = Enumerable.Range(0, 20).Select(i => new UInt128(((ulong)asid << 32) | (uint)(1000 + i), (ulong)(5_000_000 + i))).ToArray();
        var addrs = Enumerable.Range(0, 50).Select(i => $"10.0.{i / 10}.{i % 256}").ToArray();
        var statusTotal = Statuses.Sum(s => s.Weight);
        var reqHeaders = Enumerable.Range(0, 20).Select(i => $"{{\"Host\":\"svc{i}.default.svc\",\"User-Agent\":\"curl/8.5\"}}").ToArray();
        const string RespHeaders = "{\"Content-Type\":\"application/json\",\"Content-Length\":\"2\"}";

        long row = 0;
        while (row < rows)
        {
            var n = (int)Math.Min(BatchRows, rows - row);
            var b = new RowBatchBuilder(PemSchemas.HttpEvents, n);
            var c = b.Columns;
            for (var i = 0; i < n; i++, row++)
            {
                var pod = rng.Next(upids.Length);
                // Zipf-like path popularity: a few hot paths, a long tail; /healthz gets ~3 %.
                var path = rng.Next(100) < 3 ? 0 : 1 + (int)Math.Min(paths.Length - 2, Math.Floor(Math.Pow(rng.NextDouble(), 2) * (paths.Length - 1)));
                var method = rng.Next(10) == 0 ? pathMethods[path].Secondary : pathMethods[path].Primary;
                var pick = rng.Next(statusTotal);
                var s = 0;
                while (pick >= Statuses[s].Weight)
                {
                    pick -= Statuses[s++].Weight;
                }

                var latency = (long)Math.Exp(Math.Log(2e6) + Gaussian(rng));
                ((Int64ColumnBuilder)c[0]).Append(startNs + (row * RowSpacingNs));
                ((UInt128ColumnBuilder)c[1]).Append(upids[pod]);
                ((StringColumnBuilder)c[2]).Append(addrs[rng.Next(addrs.Length)]);
                ((Int64ColumnBuilder)c[3]).Append(30_000 + rng.Next(30_000));
                ((StringColumnBuilder)c[4]).Append(addrs[pod]);
                ((Int64ColumnBuilder)c[5]).Append(8080);
                ((Int64ColumnBuilder)c[6]).Append(2);
                ((BooleanColumnBuilder)c[7]).Append(false);
                ((Int64ColumnBuilder)c[8]).Append(1);
                ((Int64ColumnBuilder)c[9]).Append(1);
                ((Int64ColumnBuilder)c[10]).Append(1);
                ((StringColumnBuilder)c[11]).Append(reqHeaders[pod]);
                ((StringColumnBuilder)c[12]).Append(Methods[method]);
                ((StringColumnBuilder)c[13]).Append(paths[path]);
                ((StringColumnBuilder)c[14]).Append(method == 0 ? string.Empty : "{\"a\":1}");
                ((Int64ColumnBuilder)c[15]).Append(method == 0 ? 0 : 7);
                ((StringColumnBuilder)c[16]).Append(RespHeaders);
                ((Int64ColumnBuilder)c[17]).Append(Statuses[s].Status);
                ((StringColumnBuilder)c[18]).Append(Statuses[s].Message);
                ((StringColumnBuilder)c[19]).Append("{}");
                ((Int64ColumnBuilder)c[20]).Append(2);
                ((Int64ColumnBuilder)c[21]).Append(latency);
            }

            yield return b.Build();
        }
    }

    internal static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
