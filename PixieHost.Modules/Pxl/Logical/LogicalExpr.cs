using System.Globalization;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Logical;

/// <summary>A typed expression over the columns of a plan node's input.</summary>
public abstract record LogicalExpr(DataType Type, SemanticType Semantic)
{
    /// <summary>Adds the names of the input columns this expression reads.</summary>
    public abstract void CollectColumns(ISet<string> into);

    public ISet<string> Columns()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        CollectColumns(set);
        return set;
    }
}

/// <summary>A reference to an input column by name.</summary>
public sealed record ColumnExpr(string Name, DataType Type, SemanticType Semantic) : LogicalExpr(Type, Semantic)
{
    public override void CollectColumns(ISet<string> into) => into.Add(Name);

    public override string ToString() => Name;
}

/// <summary>A constant: long, double, bool, string or UInt128.</summary>
public sealed record LiteralExpr(object Value, DataType Type, SemanticType Semantic = SemanticType.None) : LogicalExpr(Type, Semantic)
{
    public override void CollectColumns(ISet<string> into)
    {
    }

    public override string ToString() => Value switch
    {
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        double d => d == Math.Floor(d) && Math.Abs(d) < 1e15 ? d.ToString("F1", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };
}

/// <summary>A scalar function call; operators are calls too and print infix.</summary>
public sealed record FunctionExpr(ScalarFunction Function, ScalarOverload Overload, IReadOnlyList<LogicalExpr> Args)
    : LogicalExpr(Overload.ReturnType, Overload.ResultSemantic(Args.Select(a => a.Semantic).ToArray()))
{
    public override void CollectColumns(ISet<string> into)
    {
        foreach (var a in Args)
        {
            a.CollectColumns(into);
        }
    }

    /// <summary>Where the call must run ("node": where the process metadata lives), set by PlaceMetadataRule; EXPLAIN prints "@node".</summary>
    public string? Placement { get; init; }

    public override string ToString() => (Function.Infix, Args.Count) switch
    {
        ("~", 1) => $"~{Args[0]}",
        ("-", 1) => $"-{Args[0]}",
        ({ } op, 2) => $"({Args[0]} {op} {Args[1]})",
        _ => $"{Function.Name}({string.Join(", ", Args)})",
    } + (Placement is null ? string.Empty : "@" + Placement);
}

/// <summary>A named output of a map: <c>name = expr</c>.</summary>
public sealed record NamedExpr(string Name, LogicalExpr Expr)
{
    public override string ToString() => Expr is ColumnExpr c && c.Name == Name ? Name : $"{Name}={Expr}";
}

/// <summary>One aggregate output: <c>name = fn(column)</c>.</summary>
public sealed record AggregateCall(string Name, AggregateFunction Function, ColumnExpr Argument, DataType Type, SemanticType Semantic)
{
    public override string ToString() => $"{Name}={Function.Name}({Argument.Name})";
}
