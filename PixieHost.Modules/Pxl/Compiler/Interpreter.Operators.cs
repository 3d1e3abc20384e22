using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>Operators: folded when both sides are constants, otherwise a call of the operator's UDF.</summary>
public sealed partial class Interpreter
{
    private PxlObject Binary(string op, PxlObject left, PxlObject right, Node at)
    {
        if (left is ColumnValue || right is ColumnValue)
        {
            if (op is "**" or "<<" or ">>" or "^" or "@")
            {
                throw Error($"operator '{op}' is not supported on columns", at);
            }

            if (op is "&" or "|" && (!IsBoolean(left) || !IsBoolean(right)))
            {
                throw Error($"'{op}' combines BOOLEAN column conditions; wrap comparisons in parentheses: (a == 1) {op} (b == 2)", at);
            }

            return Operator(op, left, right, at);
        }

        return (op, left, right) switch
        {
            ("+", StringValue a, StringValue b) => new StringValue(a.Value + b.Value),
            ("+", ListValue a, ListValue b) => new ListValue([.. a.Items, .. b.Items]),
            ("*", StringValue a, IntValue b) => new StringValue(string.Concat(Enumerable.Repeat(a.Value, (int)Math.Max(0, b.Value)))),
            ("&", BoolValue a, BoolValue b) => new BoolValue(a.Value & b.Value),
            ("|", BoolValue a, BoolValue b) => new BoolValue(a.Value | b.Value),
            (_, IntValue a, IntValue b) => FoldInt(op, a.Value, b.Value, at),
            (_, IntValue or FloatValue, IntValue or FloatValue) => FoldFloat(op, AsDouble(left), AsDouble(right), at),
            _ => throw Error($"unsupported operand types for {op}: '{left.TypeName}' and '{right.TypeName}'", at),
        };
    }

    private PxlObject FoldInt(string op, long a, long b, Node at) => op switch
    {
        "+" => new IntValue(a + b),
        "-" => new IntValue(a - b),
        "*" => new IntValue(a * b),
        "/" => b == 0 ? throw Error("division by zero", at) : new FloatValue((double)a / b),
        "//" => b == 0 ? throw Error("division by zero", at) : new IntValue(FloorDivOp.Apply(a, b)),
        "%" => b == 0 ? throw Error("division by zero", at) : new IntValue(((a % b) + b) % b),
        "**" => new IntValue((long)Math.Pow(a, b)),
        "&" => new IntValue(a & b),
        "|" => new IntValue(a | b),
        "^" => new IntValue(a ^ b),
        "<<" => new IntValue(a << (int)b),
        ">>" => new IntValue(a >> (int)b),
        _ => throw Error($"unsupported operator '{op}' for int", at),
    };

    private PxlObject FoldFloat(string op, double a, double b, Node at) => op switch
    {
        "+" => new FloatValue(a + b),
        "-" => new FloatValue(a - b),
        "*" => new FloatValue(a * b),
        "/" => new FloatValue(a / b),
        "//" => new FloatValue(Math.Floor(a / b)),
        "%" => new FloatValue(a - (b * Math.Floor(a / b))),
        "**" => new FloatValue(Math.Pow(a, b)),
        _ => throw Error($"unsupported operator '{op}' for float", at),
    };

    private static double AsDouble(PxlObject v) => v is IntValue i ? i.Value : ((FloatValue)v).Value;

    private PxlObject Compare(string op, PxlObject left, PxlObject right, Node at)
    {
        if (op is "in" or "not in" or "is" or "is not")
        {
            if (left is ColumnValue || right is ColumnValue)
            {
                throw Error($"'{op}' is not supported on columns; use px.contains or ==", at);
            }

            var found = op.StartsWith("is", StringComparison.Ordinal)
                ? left.Equals(right)
                : right switch
                {
                    ListValue l => l.Items.Contains(left),
                    TupleValue t => t.Items.Contains(left),
                    StringValue s when left is StringValue sub => s.Value.Contains(sub.Value, StringComparison.Ordinal),
                    DictValue d => d.Entries.Any(e => e.Key.Equals(left)),
                    _ => throw Error($"argument of type '{right.TypeName}' is not iterable", at),
                };
            return new BoolValue(op is "in" or "is" ? found : !found);
        }

        if (left is ColumnValue || right is ColumnValue)
        {
            return Operator(op, left, right, at);
        }

        int cmp;
        switch (left, right)
        {
            case (IntValue or FloatValue, IntValue or FloatValue):
                cmp = AsDouble(left).CompareTo(AsDouble(right));
                break;
            case (StringValue a, StringValue b):
                cmp = string.CompareOrdinal(a.Value, b.Value);
                break;
            default:
                if (op is "==" or "!=")
                {
                    return new BoolValue(left.Equals(right) == (op == "=="));
                }

                throw Error($"'{op}' not supported between '{left.TypeName}' and '{right.TypeName}'", at);
        }

        return new BoolValue(op switch
        {
            "==" => cmp == 0,
            "!=" => cmp != 0,
            "<" => cmp < 0,
            "<=" => cmp <= 0,
            ">" => cmp > 0,
            _ => cmp >= 0,
        });
    }

    private PxlObject BoolOp(BoolOpExpr b, IReadOnlyDictionary<string, PxlObject> scope)
    {
        var left = Evaluate(b.Left, scope);
        if (left is not ColumnValue)
        {
            var truthy = Truthy(left, b.Left);
            if (b.Op == "and" ? !truthy : truthy)
            {
                return left;
            }

            var right = Evaluate(b.Right, scope);
            return right is ColumnValue ? Operator(b.Op, left, right, b) : right;
        }

        return Operator(b.Op, left, Evaluate(b.Right, scope), b);
    }

    private PxlObject Unary(string op, PxlObject operand, Node at)
    {
        if (operand is ColumnValue c)
        {
            return op switch
            {
                "+" => c,
                "-" => new ColumnValue(Resolve(Fn("negate"), [c.Expr], at)),
                _ => new ColumnValue(Resolve(Fn("logical_not"), [c.Expr], at)),
            };
        }

        return (op, operand) switch
        {
            ("-", IntValue i) => new IntValue(-i.Value),
            ("-", FloatValue f) => new FloatValue(-f.Value),
            ("+", IntValue or FloatValue) => operand,
            ("~", IntValue i) => new IntValue(~i.Value),
            ("~", BoolValue v) => new BoolValue(!v.Value),
            ("not", _) => new BoolValue(!Truthy(operand, at)),
            _ => throw Error($"bad operand type for unary {op}: '{operand.TypeName}'", at),
        };
    }

    private PxlObject Operator(string op, PxlObject left, PxlObject right, Node at) =>
        new ColumnValue(Resolve(Fn(FunctionRegistry.OperatorFunction(op)), [ToExpr(left, at), ToExpr(right, at)], at));

    private ScalarFunction Fn(string name) =>
        Functions.TryGetScalar(name, out var f) ? f : throw new InvalidOperationException($"Built-in function '{name}' is not registered.");

    private static bool IsBoolean(PxlObject v) => v switch
    {
        ColumnValue c => c.Expr.Type == TableStore.DataType.Boolean,
        BoolValue => true,
        _ => false,
    };
}
