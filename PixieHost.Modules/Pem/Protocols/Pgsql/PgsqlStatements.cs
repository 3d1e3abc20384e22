namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>What a request is, for pairing it with its responses.</summary>
public enum PgsqlRequestKind
{
    /// <summary>Startup packet: answered by authentication, parameters, BackendKeyData up to ReadyForQuery. No row.</summary>
    Startup,

    /// <summary>SSLRequest or GSSENCRequest: answered by one untyped byte. No row.</summary>
    SslRequest,

    Query,
    Parse,
    Bind,
    Describe,
    Execute,
    Close,
    Sync,
    FunctionCall,
}

/// <summary>A prepared statement (Parse): its query, the parameter types it declared and, once described, its columns.</summary>
public sealed class PgsqlStatement
{
    public PgsqlText Query { get; } = new();

    public int[] ParamTypes { get; set; } = [];

    public PgsqlRowDesc? RowDesc { get; set; }
}

/// <summary>A bound portal (Bind): the Execute text Pixie shows (query and parameters) and the result formats.</summary>
public sealed class PgsqlPortal
{
    public PgsqlText Text { get; } = new();

    public PgsqlStatement? Statement { get; set; }

    public short[] ResultFormats { get; set; } = [];

    public PgsqlRowDesc? RowDesc { get; set; }

    /// <summary>Whether result column <paramref name="i"/> comes in binary (Bind's result format codes).</summary>
    public bool IsBinary(int i) => ResultFormats.Length switch
    {
        0 => false,
        1 => ResultFormats[0] == 1,
        _ => i < ResultFormats.Length && ResultFormats[i] == 1,
    };
}

/// <summary>The columns of a RowDescription: names (for the header line), type OIDs and format codes.</summary>
public sealed class PgsqlRowDesc
{
    public PgsqlRowDesc(byte[][] names, int[] types, short[] formats)
    {
        Names = names;
        Types = types;
        Formats = formats;
    }

    public byte[][] Names { get; }

    public int[] Types { get; }

    public short[] Formats { get; }

    public int TypeOf(int i) => i < Types.Length ? Types[i] : 0;

    /// <summary>Parses a RowDescription payload; null when it is malformed or cut.</summary>
    public static PgsqlRowDesc? Parse(ReadOnlySpan<byte> payload)
    {
        var r = new PgsqlReader(payload);
        if (!r.TryReadInt16(out var n) || n < 0 || n > r.Remaining / 19)
        {
            return null;
        }

        var names = new byte[n][];
        var types = new int[n];
        var formats = new short[n];
        for (var i = 0; i < n; i++)
        {
            if (!r.TryReadCString(out var name) || !r.TryReadInt32(out _) || !r.TryReadInt16(out _) || !r.TryReadInt32(out types[i])
                || !r.TryReadInt16(out _) || !r.TryReadInt32(out _) || !r.TryReadInt16(out formats[i]))
            {
                return null;
            }

            names[i] = name.ToArray();
        }

        return new PgsqlRowDesc(names, types, formats);
    }
}

/// <summary>One request waiting for its responses; pooled by the stitcher.</summary>
public sealed class PgsqlRequest
{
    public PgsqlRequestKind Kind { get; set; }

    public ulong TimestampNs { get; set; }

    /// <summary>The req cell: the query (Query, Parse) or "query=[…] params=[…]" (Execute).</summary>
    public PgsqlText Text { get; } = new();

    /// <summary>Describe of a statement (or Bind/Execute's statement).</summary>
    public PgsqlStatement? Statement { get; set; }

    /// <summary>Describe of a portal, Bind and Execute.</summary>
    public PgsqlPortal? Portal { get; set; }

    /// <summary>The req_cmd Pixie writes for this kind (its Tag ToString for requests).</summary>
    public ReadOnlySpan<byte> Command => Kind switch
    {
        PgsqlRequestKind.Query => "Query"u8,
        PgsqlRequestKind.Parse => "Parse"u8,
        PgsqlRequestKind.Execute or PgsqlRequestKind.Bind => "Execute"u8,
        PgsqlRequestKind.Describe => "Describe"u8,
        PgsqlRequestKind.Close => "Close"u8,
        PgsqlRequestKind.Sync => "Sync"u8,
        PgsqlRequestKind.FunctionCall => "Function Call"u8,
        _ => "Startup"u8,
    };

    public void Reset()
    {
        Statement = null;
        Portal = null;
        Text.Reset(0);
    }
}
