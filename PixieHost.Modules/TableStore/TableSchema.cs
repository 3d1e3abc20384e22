namespace PixieHost.Modules.TableStore;

/// <summary>One column of a relation: name, storage type, semantic type and a description.</summary>
public sealed record ColumnSchema(string Name, DataType Type, SemanticType Semantic = SemanticType.None, string Description = "");

/// <summary>A named relation: the ordered columns of a table or of a query result.</summary>
public sealed class TableSchema
{
    private readonly Dictionary<string, int> _index;

    public TableSchema(string name, IReadOnlyList<ColumnSchema> columns)
    {
        Name = name;
        Columns = columns;
        _index = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            if (!_index.TryAdd(columns[i].Name, i))
            {
                throw new ArgumentException($"Column '{columns[i].Name}' appears twice in relation '{name}'.", nameof(columns));
            }
        }
    }

    public string Name { get; }

    public IReadOnlyList<ColumnSchema> Columns { get; }

    public int Count => Columns.Count;

    public ColumnSchema this[int i] => Columns[i];

    /// <summary>Index of <paramref name="column"/>, or -1.</summary>
    public int IndexOf(string column) => _index.TryGetValue(column, out var i) ? i : -1;

    /// <summary>Index of the <c>time_</c> column, or -1 when the relation has none.</summary>
    public int TimeColumnIndex => IndexOf("time_");

    public override string ToString() =>
        $"{Name}[{string.Join(", ", Columns.Select(c => $"{c.Name}:{c.Type}"))}]";
}
