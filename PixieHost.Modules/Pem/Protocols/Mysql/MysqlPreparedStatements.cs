namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>A statement COM_STMT_PREPARE_OK gave an id: its text and what its COM_STMT_EXECUTE requests carry.</summary>
public sealed class MysqlPreparedStatement
{
    public required byte[] Text { get; init; }

    /// <summary>Length of the whole text (more than <see cref="Text"/> when it was cut).</summary>
    public required long FullLength { get; init; }

    public required ushort NumParams { get; init; }

    /// <summary>
    /// The parameter types (type, flags: 2 bytes each) of the last execute that sent them: an execute with
    /// new-params-bound 0 reuses them.
    /// </summary>
    public byte[]? ParamTypes { get; set; }
}

/// <summary>
/// The prepared statements of one connection by statement id (COM_STMT_PREPARE_OK adds, COM_STMT_CLOSE removes).
/// Bounded: a connection that prepares without ever closing (a leak in the client) cannot grow it past
/// <c>max</c>; the map is then emptied and later executes of the forgotten ids render without their text.
/// </summary>
public sealed class MysqlPreparedStatements(int max = 1024)
{
    private readonly Dictionary<uint, MysqlPreparedStatement> _byId = [];

    public int Count => _byId.Count;

    public void Add(uint id, ReadOnlySpan<byte> text, long fullLength, ushort numParams)
    {
        if (_byId.Count >= max && !_byId.ContainsKey(id))
        {
            _byId.Clear();
        }

        _byId[id] = new MysqlPreparedStatement { Text = text.ToArray(), FullLength = fullLength, NumParams = numParams };
    }

    public bool TryGet(uint id, out MysqlPreparedStatement statement) => _byId.TryGetValue(id, out statement!);

    public void Remove(uint id) => _byId.Remove(id);

    public void Clear() => _byId.Clear();
}
