using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Support;

/// <summary>
/// A vizier with one table store per pem, all in this process: the broker's split, the kelvin's cluster executor and
/// the fragment runs are the product's; only the transport is a direct call. <see cref="Single"/> runs the same
/// scripts on one store holding every pem's rows, the reference a split result must equal.
/// </summary>
public sealed class SplitVizier(IReadOnlyList<TableStore> pemStores, long nowNs, FunctionRegistry? functions = null) : IVizierTopology
{
    private readonly QueryExecutor _broker = new(new TableStore(), () => nowNs, functions: functions);

    /// <summary>Wraps each pem connection (e.g. to make one fail); default: as is.</summary>
    public Func<int, IPemConnection, IPemConnection> Wrap { get; init; } = (_, c) => c;

    public DistributedQueryExecutor Executor => new(_broker, this, Options.Create(new QueryBrokerOptions()));

    public Task<VizierTopology> ResolveAsync(CancellationToken cancellationToken)
    {
        var engines = pemStores.Select(s => new QueryExecutor(s, () => nowNs, functions: functions)).ToArray();
        var executor = new ClusterExecutor(_broker, NullLogger<ClusterExecutor>.Instance);
        var kelvin = new LocalKelvinConnection(executor, t =>
        {
            var i = int.Parse(t.Address, System.Globalization.CultureInfo.InvariantCulture);
            return Wrap(i, new LocalPemConnection(engines[i], t.Name));
        });
        var targets = pemStores.Select((_, i) => new PemTarget($"pem {i + 1}", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        return Task.FromResult(new VizierTopology(kelvin, targets, []));
    }

    /// <summary>One store with the rows of every given store, batch by batch.</summary>
    public static TableStore Union(IEnumerable<TableStore> stores)
    {
        var union = new TableStore(new TableStoreOptions { DataLimitMb = 20_000, HttpEventsPercent = 90 });
        foreach (var store in stores)
        {
            foreach (var table in store.Tables)
            {
                var target = union.GetOrAdd(table.Schema);
                foreach (var stored in table.Snapshot())
                {
                    target.Append(stored.Batch);
                }
            }
        }

        return union;
    }

    /// <summary>Each row as text (doubles to 9 significant digits, summation order differs between plans), sorted.</summary>
    public static List<string> CanonicalRows(ResultTable table)
    {
        var rows = new List<string>();
        foreach (var batch in table.Batches)
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                rows.Add(string.Join(" | ", batch.Columns.Select(c => Format(c.GetValue(r)))));
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Format(object? v) => v switch
    {
        double d => d.ToString("G9", System.Globalization.CultureInfo.InvariantCulture),
        string s when s.StartsWith('{') => System.Text.RegularExpressions.Regex.Replace(s, @"\d+\.\d+(e[-+]?\d+)?",
            m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture).ToString("G9", System.Globalization.CultureInfo.InvariantCulture)),
        null => "null",
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
