using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Support;

/// <summary>Reads a table's rows as name → value dictionaries (cold, for assertions).</summary>
public static class TableRows
{
    public static List<Dictionary<string, object?>> Read(Table? table)
    {
        var rows = new List<Dictionary<string, object?>>();
        if (table is null)
        {
            return rows;
        }

        return Read(table.Scan());
    }

    /// <summary>The rows of result batches (e.g. a query's <c>ResultTable.Batches</c>).</summary>
    public static List<Dictionary<string, object?>> Read(IEnumerable<RowBatch> batches)
    {
        var rows = new List<Dictionary<string, object?>>();
        foreach (var batch in batches)
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var c = 0; c < batch.Columns.Count; c++)
                {
                    row[batch.Schema[c].Name] = batch[c].GetValue(r);
                }

                rows.Add(row);
            }
        }

        return rows;
    }
}
