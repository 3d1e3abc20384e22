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

        foreach (var batch in table.Scan())
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
