using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Syntax;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>Expression evaluation: constants fold, column expressions build typed <see cref="LogicalExpr"/> trees.</summary>
public sealed partial class Interpreter
{
    public PxlObject Evaluate(Expr expr, IReadOnlyDictionary<string, PxlObject> scope) => expr switch
    {
        ConstantExpr c => c.Value switch
        {
            null => NoneValue.Instance,
            long l => new IntValue(l),
            double d => new FloatValue(d),
            string s => new StringValue(s),
            bool b => new BoolValue(b),
            _ => throw Error("unsupported constant", c),
        },
        NameExpr n => scope.TryGetValue(n.Id, out var v)
            ? v
            : throw Error($"name '{n.Id}' is not defined{Suggest.DidYouMean(n.Id, scope.Keys)}", n),
        AttributeExpr a => GetAttribute(Evaluate(a.Target, scope), a.Name, a),
        SubscriptExpr s => Subscript(Evaluate(s.Target, scope), Evaluate(s.Index, scope), s),
        Syntax.CallExpr call => Call(call, scope),
        ListExpr l => new ListValue(l.Items.Select(i => Evaluate(i, scope)).ToArray()),
        TupleExpr t => new TupleValue(t.Items.Select(i => Evaluate(i, scope)).ToArray()),
        DictExpr d => new DictValue(d.Keys.Select((k, i) => (Evaluate(k, scope), Evaluate(d.Values[i], scope))).ToArray()),
        UnaryExpr u => Unary(u.Op, Evaluate(u.Operand, scope), u),
        BinaryExpr b => Binary(b.Op, Evaluate(b.Left, scope), Evaluate(b.Right, scope), b),
        CompareExpr c => Compare(c.Op, Evaluate(c.Left, scope), Evaluate(c.Right, scope), c),
        BoolOpExpr b => BoolOp(b, scope),
        ConditionalExpr c => Truthy(Evaluate(c.Test, scope), c.Test) ? Evaluate(c.Body, scope) : Evaluate(c.OrElse, scope),
        _ => throw Error($"unsupported expression {expr.GetType().Name}", expr),
    };

    private PxlObject Call(Syntax.CallExpr call, IReadOnlyDictionary<string, PxlObject> scope)
    {
        var function = Evaluate(call.Function, scope);
        var positional = call.Args.Select(a => (Evaluate(a, scope), (Node)a)).ToArray();
        var keywords = call.Keywords.Select(k => (k.Name, Evaluate(k.Value, scope), (Node)k)).ToArray();
        var args = new CallArgs(this, call.Function, positional, keywords);
        return function switch
        {
            BuiltinValue b => b.Invoke(args),
            FunctionValue f => CallFunction(f.Definition, args, f.Closure),
            ScalarFunctionValue s => CallScalar(s.Function, args),
            TypeValue t => Convert(t, args),
            _ => throw Error($"'{function.TypeName}' object is not callable", call.Function),
        };
    }

    /// <summary>A UDF call: every argument becomes an expression, the overload is picked by argument types.</summary>
    public PxlObject CallScalar(ScalarFunction f, CallArgs args)
    {
        if (args.Keywords.Count > 0)
        {
            throw Error($"px.{f.Name}() takes positional arguments only", args.Keywords[0].Node);
        }

        // A dict argument (script_reference's args) is passed on as its key/value pairs.
        var exprs = new List<LogicalExpr>();
        foreach (var (value, node) in args.Positional)
        {
            if (value is DictValue d)
            {
                foreach (var (k, v) in d.Entries)
                {
                    exprs.Add(ToExpr(k, node));
                    exprs.Add(ToExpr(v, node));
                }
            }
            else
            {
                exprs.Add(ToExpr(value, node));
            }
        }

        return new ColumnValue(Resolve(f, exprs, args.Call));
    }

    private FunctionExpr Resolve(ScalarFunction f, IReadOnlyList<LogicalExpr> args, Node at)
    {
        if (f.TryResolve(args.Select(a => a.Type).ToArray(), out var overload))
        {
            return new FunctionExpr(f, overload, args);
        }

        var given = string.Join(", ", args.Select(a => Names.Of(a.Type)));
        if (f.Infix is { } op && args.Count == 2)
        {
            throw Error($"cannot apply '{op}' to {Names.Of(args[0].Type)} and {Names.Of(args[1].Type)}", at);
        }

        var expected = string.Join(" or ", f.Overloads.Select(o => o.ToString()));
        throw Error($"no overload of {f.Name} takes ({given}); expected {expected}", at);
    }

    private PxlObject Convert(TypeValue type, CallArgs args)
    {
        var (v, node) = args.Require(type.Name, "x", 0);
        if (v is ColumnValue c && Rules.FoldConstantsRule.Fold(c.Expr) is LiteralExpr { Value: long or double or bool or string } folded)
        {
            // int(px.now()) and friends: a constant expression converts like the constant it folds to.
            v = folded.Value switch { long i => new IntValue(i), double d => new FloatValue(d), bool b => new BoolValue(b), _ => new StringValue((string)folded.Value) };
        }

        return (type.Name, v) switch
        {
            ("str", StringValue s) => s,
            ("str", IntValue i) => new StringValue(i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("str", FloatValue f) => new StringValue(f.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("int", IntValue i) => i,
            ("int", FloatValue f) => new IntValue((long)f.Value),
            ("int", StringValue s) when long.TryParse(s.Value, out var l) => new IntValue(l),
            ("float", IntValue i) => new FloatValue(i.Value),
            ("float", FloatValue f) => f,
            ("float", StringValue s) when double.TryParse(s.Value, System.Globalization.CultureInfo.InvariantCulture, out var d) => new FloatValue(d),
            ("bool", _) => new BoolValue(Truthy(v, node)),
            _ => throw Error($"cannot convert {v.TypeName} to {type.Name}", node),
        };
    }

    private PxlObject GetAttribute(PxlObject target, string name, Node at) => target switch
    {
        ModuleValue m => m.Attributes.TryGetValue(name, out var v)
            ? v
            : throw Error($"module '{m.Name}' has no attribute '{name}'{Suggest.DidYouMean(name, m.Attributes.Keys)}", at),
        DataFrameValue df => DataFrameMethods.GetAttribute(this, df, name, at),
        GroupByValue g when name == "agg" => new BuiltinValue("agg", a => DataFrameMethods.Agg(this, g.Frame, g.Keys, a)),
        _ => throw Error($"'{target.TypeName}' object has no attribute '{name}'", at),
    };

    private PxlObject Subscript(PxlObject target, PxlObject index, SubscriptExpr at) => (target, index) switch
    {
        (DataFrameValue df, _) => DataFrameMethods.Subscript(this, df, index, at),
        (CtxValue ctx, _) => CtxAccessor.Subscript(this, ctx, index, at),
        (ListValue l, IntValue i) => Index(l.Items, i.Value, at),
        (TupleValue t, IntValue i) => Index(t.Items, i.Value, at),
        (DictValue d, _) => d.Entries.FirstOrDefault(e => e.Key.Equals(index)).Value
            ?? throw Error("key not found in dict", at.Index),
        _ => throw Error($"'{target.TypeName}' object is not subscriptable with a {index.TypeName}", at),
    };

    private PxlObject Index(IReadOnlyList<PxlObject> items, long i, SubscriptExpr at)
    {
        var k = i < 0 ? items.Count + i : i;
        return k >= 0 && k < items.Count ? items[(int)k] : throw Error("index out of range", at.Index);
    }

    public bool Truthy(PxlObject v, Node at) => v switch
    {
        BoolValue b => b.Value,
        IntValue i => i.Value != 0,
        FloatValue f => f.Value != 0,
        StringValue s => s.Value.Length > 0,
        NoneValue => false,
        ListValue l => l.Items.Count > 0,
        TupleValue t => t.Items.Count > 0,
        DictValue d => d.Entries.Count > 0,
        ColumnValue => throw Error("a column has no single truth value; combine column conditions with & and |", at),
        _ => true,
    };
}
