using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>Evaluates one overload over a batch: every argument is a column or a constant, the result has <c>rows</c> rows.</summary>
public delegate Column ScalarKernel(ReadOnlySpan<Datum> args, int rows);

/// <summary>How an overload's result gets its semantic type.</summary>
public enum SemanticRule
{
    /// <summary>No semantic type.</summary>
    None,

    /// <summary>The semantic type of the first argument (add, subtract, bin).</summary>
    FirstArg,

    /// <summary>The semantic type of the second argument (select's value).</summary>
    SecondArg,

    /// <summary>The overload's <see cref="ScalarOverload.FixedSemantic"/> (DurationNanos, Bytes, Percent).</summary>
    Fixed,
}

/// <summary>One typed signature of a scalar function and the kernel that computes it.</summary>
public sealed record ScalarOverload(IReadOnlyList<DataType> ArgTypes, DataType ReturnType, ScalarKernel Kernel,
    SemanticRule Semantic = SemanticRule.None, SemanticType FixedSemantic = SemanticType.None)
{
    public SemanticType ResultSemantic(IReadOnlyList<SemanticType> args) => Semantic switch
    {
        SemanticRule.FirstArg when args.Count > 0 => args[0],
        SemanticRule.SecondArg when args.Count > 1 => args[1],
        SemanticRule.Fixed => FixedSemantic,
        _ => SemanticType.None,
    };

    public override string ToString() => $"({string.Join(", ", ArgTypes.Select(Names.Of))}) -> {Names.Of(ReturnType)}";
}

/// <summary>A scalar UDF: a name, optionally the infix operator it stands for, and its overloads.</summary>
public sealed class ScalarFunction(string name, string? infix = null)
{
    public string Name { get; } = name;

    /// <summary>The PxL operator (e.g. "&gt;=") when this function implements one; EXPLAIN prints it infix.</summary>
    public string? Infix { get; } = infix;

    public List<ScalarOverload> Overloads { get; } = [];

    /// <summary>
    /// For functions with a variable argument list (script_reference): builds the overload for the given
    /// argument types, or returns null when they are not accepted. Tried when no fixed overload matches.
    /// </summary>
    public Func<IReadOnlyList<DataType>, ScalarOverload?>? Dynamic { get; init; }

    /// <summary>How px.GetUDFList() shows the arguments a <see cref="Dynamic"/> function takes.</summary>
    public string DynamicArgs { get; init; } = string.Empty;

    public ScalarFunction Add(DataType[] args, DataType ret, ScalarKernel kernel, SemanticRule semantic = SemanticRule.None, SemanticType fixedSemantic = SemanticType.None)
    {
        Overloads.Add(new ScalarOverload(args, ret, kernel, semantic, fixedSemantic));
        return this;
    }

    /// <summary>
    /// Picks the overload for the argument types: an exact match first, else the one needing the fewest
    /// widenings (TIME64NS → INT64, INT64 → FLOAT64).
    /// </summary>
    public bool TryResolve(IReadOnlyList<DataType> args, out ScalarOverload overload)
    {
        overload = null!;
        var best = int.MaxValue;
        foreach (var o in Overloads)
        {
            if (o.ArgTypes.Count != args.Count)
            {
                continue;
            }

            var cost = 0;
            for (var i = 0; i < args.Count && cost < int.MaxValue; i++)
            {
                cost = Cost(args[i], o.ArgTypes[i]) is var c && c < 0 ? int.MaxValue : cost + c;
            }

            if (cost < best)
            {
                best = cost;
                overload = o;
            }
        }

        if (overload is null && Dynamic?.Invoke(args) is { } built)
        {
            overload = built;
        }

        return overload is not null;
    }

    private static int Cost(DataType from, DataType to) => (from, to) switch
    {
        _ when from == to => 0,
        (DataType.Time64NS, DataType.Int64) => 1,
        (DataType.Int64, DataType.Time64NS) => 1,
        (DataType.Int64, DataType.Float64) => 2,
        (DataType.Time64NS, DataType.Float64) => 3,
        _ => -1,
    };
}

/// <summary>Pixie's upper-case type names, used in EXPLAIN and errors.</summary>
public static class Names
{
    public static string Of(DataType t) => t switch
    {
        DataType.Boolean => "BOOLEAN",
        DataType.Int64 => "INT64",
        DataType.UInt128 => "UINT128",
        DataType.Float64 => "FLOAT64",
        DataType.String => "STRING",
        DataType.Time64NS => "TIME64NS",
        _ => "UNKNOWN",
    };
}
