using PixieHost.Modules.Hosting;

namespace PixieHost.Modules.TableStore;

/// <summary>Rows, bytes, budget and evictions per table, for /statusz.</summary>
public sealed class TableStoreStatus(TableStore store) : IStatusSource
{
    public string Name => "table_store";

    public object Snapshot() => store.Tables.ToDictionary(
        t => t.Name,
        t => new { rows = t.RowCount, bytes = t.Bytes, budget_bytes = t.BudgetBytes, batches = t.BatchCount, rows_evicted = t.RowsEvicted });
}
