using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl.Support;

/// <summary>
/// A <see cref="TableStore"/> with every table the script library reads, filled with deterministic synthetic rows
/// over the 10 minutes up to <see cref="HttpEventsData.Now"/>: http_events (<see cref="HttpEventsData"/>), and
/// process_stats, conn_stats, network_stats, pgsql/mysql/redis/dns events and stack traces for the same three processes.
/// </summary>
public static class LibraryData
{
    public const long Second = 1_000_000_000L;

    /// <summary>The processes every table refers to (pids 1000..1002, as in <see cref="HttpEventsData"/>).</summary>
    public static readonly UInt128[] Upids = [new Upid(1, 1000, 42).Value, new Upid(1, 1001, 42).Value, new Upid(1, 1002, 42).Value];

    /// <summary>The http_events rows the store holds: one per second for 10 minutes.</summary>
    public static List<HttpRow> HttpRows { get; } = HttpEventsData.Rows(600);

    /// <summary>
    /// Pods for <see cref="Upids"/> on node "node-1": default/frontend-0 (10.0.0.2), default/api-0 (10.0.0.3) and
    /// default/db-0 (10.0.0.4), each in the service of its name, so ctx, pod and service functions resolve.
    /// </summary>
    public static Modules.Metadata.IMetadataProvider Pods()
    {
        string[] names = ["frontend", "api", "db"];
        var processes = new List<Modules.Metadata.ProcessMetadata>();
        for (var p = 0; p < Upids.Length; p++)
        {
            var service = new Modules.Metadata.ServiceMetadata($"svc-{p}", $"default/{names[p]}", "default");
            var pod = new Modules.Metadata.PodMetadata($"pod-{p}", $"default/{names[p]}-0", "default", "node-1", "node-1",
                HttpEventsData.Now - (3600 * Second), "Running", $"10.0.0.{p + 2}", [service]);
            processes.Add(new Modules.Metadata.ProcessMetadata(Upids[p], (uint)(1000 + p), 42, $"/usr/bin/{names[p]}", string.Empty, string.Empty, pod));
        }

        return new Tests.Support.StaticMetadataProvider("node-1", processes);
    }

    /// <summary>A store with all tables declared and the library's tables filled.</summary>
    public static TableStore Filled()
    {
        var store = HttpEventsData.Store(HttpRows);
        foreach (var schema in PemSchemas.All)
        {
            store.GetOrAdd(schema);
        }

        Fill(store, PemSchemas.ProcessStats, 600, ProcessStats);
        Fill(store, PemSchemas.ConnStats, 60, ConnStats);
        Fill(store, PemSchemas.NetworkStats, 600, NetworkStats);
        Fill(store, PemSchemas.PgsqlEvents, 300, PgsqlEvents);
        Fill(store, PemSchemas.MysqlEvents, 300, MysqlEvents);
        Fill(store, PemSchemas.RedisEvents, 300, RedisEvents);
        Fill(store, PemSchemas.DnsEvents, 120, DnsEvents);
        Fill(store, PemSchemas.StackTraces, 20, StackTraces);
        return store;
    }

    /// <summary>A store with every PEM table declared and none filled.</summary>
    public static TableStore Empty()
    {
        var store = new TableStore(new TableStoreOptions { DataLimitMb = 64 });
        foreach (var schema in PemSchemas.All)
        {
            store.GetOrAdd(schema);
        }

        return store;
    }

    /// <summary>Time of sample <paramref name="i"/> of <paramref name="count"/> spread evenly over the last 10 minutes.</summary>
    public static long TimeOf(int i, int count) => HttpEventsData.Now - ((count - 1 - i) * (600 * Second / count));

    private static void Fill(TableStore store, TableSchema schema, int steps, Func<int, int, int, object?[]?> row)
    {
        var builder = new RowBatchBuilder(schema);
        for (var i = 0; i < steps; i++)
        {
            for (var p = 0; p < Upids.Length; p++)
            {
                if (row(i, steps, p) is { } values)
                {
                    builder.AppendRow(values);
                }
            }
        }

        store.GetOrAdd(schema).Append(builder.Build());
    }

    private static object?[] Socket(int i, int steps, int p, string remote, long remotePort, long role, params object?[] rest) =>
        [TimeOf(i, steps), Upids[p], remote, remotePort, "10.0.0.1", 8080L, role, false, .. rest];

    // Counters grow by a per-process rate; gauges move a little around a per-process level.
    private static object?[] ProcessStats(int i, int steps, int p) =>
    [
        TimeOf(i, steps), Upids[p], 10L, 1000L + i, (p + 1) * 5_000_000L * i, (p + 1) * 1_000_000L * i, 4L + p,
        (200L + p) << 20, ((50L + (10 * p)) << 20) + ((i % 7) << 10), 4096L * i, 2048L * i, 512L * i, 256L * i,
    ];

    private static object?[] ConnStats(int i, int steps, int p) =>
    [
        TimeOf(i, steps), Upids[p], $"93.184.216.{30 + p}", 443L, p == 2 ? 2L : 1L, 2L, 1L, false,
        1L + (i / 10), i / 10, 1L, 1500L * i * (p + 1), 9000L * i * (p + 1),
    ];

    private static object?[]? NetworkStats(int i, int steps, int p) => p == 2
        ? null
        : [TimeOf(i, steps), $"pod-uid-{p}", 10_000L * i, 10L * i, i / 100L, i / 50L, 4_000L * i, 5L * i, 0L, 0L];

    private static object?[] PgsqlEvents(int i, int steps, int p) => Socket(i, steps, p, "10.0.1.5", 5432L, 1L,
        "QUERY", $"SELECT name FROM users WHERE id = {i}", i % 10 == 0 ? "ERROR: relation does not exist" : "SELECT 1",
        (1 + (i % 13)) * 100_000L);

    private static object?[] MysqlEvents(int i, int steps, int p) => Socket(i, steps, p, "10.0.1.6", 3306L, 1L,
        3L, $"SELECT price FROM items WHERE id = {i % 17}", i % 8 == 0 ? 3L : 2L, "Resultset rows = 1",
        (1 + (i % 11)) * 200_000L);

    private static object?[] RedisEvents(int i, int steps, int p) => Socket(i, steps, p, "10.0.1.7", 6379L, 1L,
        i % 3 == 0 ? "SET" : "GET", $"[\"key:{i % 5}\"]", i % 9 == 0 ? "-ERR wrong type" : "OK", (1 + (i % 7)) * 50_000L);

    private static object?[] DnsEvents(int i, int steps, int p) => Socket(i, steps, p, "10.96.0.10", 53L, 1L,
        "{\"txid\":1,\"qr\":0,\"num_queries\":1}", "{\"queries\":[{\"name\":\"example.com\",\"type\":\"A\"}]}",
        "{\"txid\":1,\"qr\":1,\"num_answers\":1}",
        i % 6 == 0 ? "{\"answers\":[]}" : "{\"answers\":[{\"name\":\"example.com\",\"type\":\"A\",\"addr\":\"93.184.216.34\"}]}",
        (1 + (i % 5)) * 300_000L);

    private static object?[] StackTraces(int i, int steps, int p) =>
    [
        TimeOf(i, steps), Upids[p], (long)(i % 4), $"main;serve;handle;{(i % 4 == 0 ? "json_encode" : $"work_{i % 4}")}", 1L + (i % 4),
    ];
}
