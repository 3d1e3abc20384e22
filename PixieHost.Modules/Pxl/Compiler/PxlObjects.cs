using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>A value while the compiler evaluates a script: Python constants and containers, or px objects that build a plan.</summary>
public abstract record PxlObject
{
    /// <summary>The type name used in error messages ("DataFrame", "int", …).</summary>
    public abstract string TypeName { get; }
}

public sealed record NoneValue : PxlObject
{
    public static readonly NoneValue Instance = new();

    public override string TypeName => "None";
}

public sealed record IntValue(long Value) : PxlObject
{
    public override string TypeName => "int";
}

public sealed record FloatValue(double Value) : PxlObject
{
    public override string TypeName => "float";
}

public sealed record StringValue(string Value) : PxlObject
{
    public override string TypeName => "str";
}

public sealed record BoolValue(bool Value) : PxlObject
{
    public override string TypeName => "bool";
}

public sealed record ListValue(IReadOnlyList<PxlObject> Items) : PxlObject
{
    public override string TypeName => "list";
}

public sealed record TupleValue(IReadOnlyList<PxlObject> Items) : PxlObject
{
    public override string TypeName => "tuple";
}

public sealed record DictValue(IReadOnlyList<(PxlObject Key, PxlObject Value)> Entries) : PxlObject
{
    public override string TypeName => "dict";
}

/// <summary>A user <c>def</c>; calls are inlined by evaluating its body in a new scope.</summary>
public sealed record FunctionValue(FunctionDef Definition) : PxlObject
{
    /// <summary>The enclosing function's scope for a nested <c>def</c> (null at module level: the globals).</summary>
    public IReadOnlyDictionary<string, PxlObject>? Closure { get; init; }

    public override string TypeName => "function";
}

/// <summary>A built-in callable (px.DataFrame, df.groupby, …).</summary>
public sealed record BuiltinValue(string Name, Func<CallArgs, PxlObject> Invoke) : PxlObject
{
    public override string TypeName => "builtin_function";
}

public sealed record ModuleValue(string Name, IReadOnlyDictionary<string, PxlObject> Attributes) : PxlObject
{
    public override string TypeName => "module";
}

/// <summary>A type usable as an annotation (str, int, px.Service…); calling it converts a constant.</summary>
public sealed record TypeValue(string Name) : PxlObject
{
    public override string TypeName => "type";
}

/// <summary>An aggregate function reference such as px.mean, used in <c>agg(out=('col', px.mean))</c>.</summary>
public sealed record AggregateValue(AggregateFunction Function) : PxlObject
{
    public override string TypeName => "UDA";
}

/// <summary>A scalar function such as px.contains; calling it builds an expression.</summary>
public sealed record ScalarFunctionValue(ScalarFunction Function) : PxlObject
{
    public override string TypeName => "UDF";
}

/// <summary>A DataFrame: the logical plan that produces it.</summary>
public sealed record DataFrameValue(LogicalPlan Plan) : PxlObject
{
    public override string TypeName => "DataFrame";
}

/// <summary>A column expression (<c>df.latency * 2</c>) to be used in a filter, map or as an argument.</summary>
public sealed record ColumnValue(LogicalExpr Expr) : PxlObject
{
    public override string TypeName => "Column";
}

/// <summary>The result of <c>df.groupby(keys)</c>, waiting for <c>.agg(...)</c>.</summary>
public sealed record GroupByValue(DataFrameValue Frame, IReadOnlyList<ColumnExpr> Keys) : PxlObject
{
    public override string TypeName => "GroupBy";
}
