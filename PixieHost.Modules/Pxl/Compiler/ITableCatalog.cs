using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>The tables a script may read, by name.</summary>
public interface ITableCatalog
{
    bool TryGetSchema(string table, out TableSchema schema);

    IEnumerable<string> TableNames { get; }
}

/// <summary>
/// The tables of a <see cref="TableStore.TableStore"/>, plus the PEM's known schemas so that a script compiles
/// before the collector has written its first row (it then reads zero rows).
/// </summary>
public sealed class TableStoreCatalog(TableStore.TableStore store) : ITableCatalog
{
    public IEnumerable<string> TableNames =>
        store.Tables.Select(t => t.Name).Concat(PemSchemas.All.Select(s => s.Name)).Distinct(StringComparer.Ordinal);

    public bool TryGetSchema(string table, out TableSchema schema)
    {
        if (store.Find(table) is { } t)
        {
            schema = t.Schema;
            return true;
        }

        schema = PemSchemas.All.FirstOrDefault(s => s.Name == table)!;
        return schema is not null;
    }
}
