namespace PixieHost.Client;

/// <summary>Column data types; the numbers are vizierpb's <c>DataType</c> wire values.</summary>
public enum ColumnType
{
    Unknown = 0,
    Boolean = 1,
    Int64 = 2,
    UInt128 = 3,
    Float64 = 4,
    String = 5,

    /// <summary>Nanoseconds since the Unix epoch, as <see cref="long"/>.</summary>
    Time64NS = 6,
}

/// <summary>What a column's values mean, for display; the numbers are vizierpb's <c>SemanticType</c> wire values.</summary>
public enum SemanticType
{
    Unspecified = 0,
    None = 1,
    TimeNs = 2,
    AgentUid = 100,
    Asid = 101,
    Upid = 200,
    ServiceName = 300,
    PodName = 400,
    PodPhase = 401,
    PodStatus = 402,
    NodeName = 500,
    ContainerName = 600,
    ContainerState = 601,
    ContainerStatus = 602,
    NamespaceName = 700,
    Bytes = 800,
    Percent = 900,
    DurationNs = 901,
    ThroughputPerNs = 902,
    ThroughputBytesPerNs = 903,
    Quantiles = 1000,
    DurationNsQuantiles = 1001,
    IpAddress = 1100,
    Port = 1200,
    HttpReqMethod = 1300,
    HttpRespStatus = 1400,
    HttpRespMessage = 1500,

    /// <summary>A JSON <c>{"label", "script", "args"}</c> link to another script (<c>px.script_reference</c>).</summary>
    ScriptReference = 3000,
}

/// <summary>One column of an output table.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Type">Data type of its values.</param>
/// <param name="SemanticType">Meaning of its values.</param>
/// <param name="Description">Free text the script gave, often empty.</param>
public sealed record ColumnInfo(string Name, ColumnType Type, SemanticType SemanticType = SemanticType.None, string Description = "");

/// <summary>An output table's metadata (Pixie's relation): its name, the server's id for it, and its columns in order.</summary>
public sealed class TableInfo
{
    private readonly Dictionary<string, int> _byName;

    /// <summary>A table <paramref name="name"/> with id <paramref name="id"/> and <paramref name="columns"/> in order.</summary>
    public TableInfo(string id, string name, IReadOnlyList<ColumnInfo> columns)
    {
        Id = id;
        Name = name;
        Columns = columns;
        _byName = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            _byName.TryAdd(columns[i].Name, i);
        }
    }

    /// <summary>The server's id of this table in the response stream (batches name it).</summary>
    public string Id { get; }

    /// <summary>The table's name: what <c>px.display(df, 'name')</c> gave, or the function call's output name.</summary>
    public string Name { get; }

    public IReadOnlyList<ColumnInfo> Columns { get; }

    /// <summary>The index of column <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _byName.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The index of column <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> listing the columns when there is none.</summary>
    public int GetIndex(string name) =>
        _byName.TryGetValue(name, out var i)
            ? i
            : throw new KeyNotFoundException($"Table '{Name}' has no column '{name}'. Its columns: {string.Join(", ", Columns.Select(c => c.Name))}.");

    public override string ToString() => $"{Name}({string.Join(", ", Columns.Select(c => $"{c.Name}:{c.Type}"))})";
}
