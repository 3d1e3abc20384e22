using System.Collections.Concurrent;

namespace PixieHost.Modules.TableStore;

/// <summary>
/// The node's tables. Budgets follow Pixie: http_events gets <see cref="TableStoreOptions.HttpEventsPercent"/> of
/// the total, stirling_error and probe_status share <see cref="TableStoreOptions.ErrorTablesMb"/>, proc_exit_events
/// gets <see cref="TableStoreOptions.ProcExitEventsMb"/>, every other table an equal part of what is left.
/// Budgets are recomputed each time a table is added.
/// </summary>
public sealed class TableStore
{
    private const long Mb = 1024L * 1024;
    private readonly ConcurrentDictionary<string, Table> _tables = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly TableStoreOptions _options;

    public TableStore(TableStoreOptions? options = null)
    {
        _options = options ?? new TableStoreOptions();
    }

    public long TotalBudgetBytes => _options.DataLimitMb * Mb;

    public IEnumerable<Table> Tables => _tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal);

    public long Bytes => _tables.Values.Sum(t => t.Bytes);

    /// <summary>Returns the table named like <paramref name="schema"/>, creating it on first use.</summary>
    public Table GetOrAdd(TableSchema schema)
    {
        if (_tables.TryGetValue(schema.Name, out var t))
        {
            return t;
        }

        lock (_gate)
        {
            if (_tables.TryGetValue(schema.Name, out t))
            {
                return t;
            }

            t = new Table(schema, 0);
            _tables[schema.Name] = t;
            Rebalance();
            return t;
        }
    }

    public bool TryGet(string name, out Table table) => _tables.TryGetValue(name, out table!);

    public Table? Find(string name) => _tables.TryGetValue(name, out var t) ? t : null;

    private void Rebalance()
    {
        var total = TotalBudgetBytes;
        var http = total * _options.HttpEventsPercent / 100;
        var errors = _options.ErrorTablesMb * Mb;
        var procExit = _options.ProcExitEventsMb * Mb;
        var errorTables = _tables.Keys.Count(IsErrorTable);
        var others = _tables.Keys.Count(n => n != "http_events" && n != "proc_exit_events" && !IsErrorTable(n));
        var rest = Math.Max(0, total - http - errors - procExit);
        foreach (var (name, table) in _tables)
        {
            var budget = name switch
            {
                "http_events" => http,
                "proc_exit_events" => procExit,
                _ when IsErrorTable(name) => errors / Math.Max(1, errorTables),
                _ => rest / Math.Max(1, others),
            };
            table.SetBudget(budget);
        }
    }

    private static bool IsErrorTable(string name) => name is "stirling_error" or "probe_status";
}
