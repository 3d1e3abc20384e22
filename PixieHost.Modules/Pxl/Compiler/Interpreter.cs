using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Syntax;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>
/// Evaluates a parsed script. Python values are computed at compile time; px objects build the logical plan;
/// user functions are inlined (their bodies evaluated in a fresh scope). Each <c>px.display</c> adds a sink.
/// </summary>
public sealed partial class Interpreter
{
    private const int MaxCallDepth = 64;
    private readonly Dictionary<string, PxlObject> _globals = new(StringComparer.Ordinal);
    private readonly List<LogicalSink> _sinks = [];
    private int _depth;

    public Interpreter(SourceText source, ITableCatalog catalog, FunctionRegistry functions, long nowNs)
    {
        Source = source;
        Catalog = catalog;
        Functions = functions;
        NowNs = nowNs;
        _globals["str"] = new TypeValue("str");
        _globals["int"] = new TypeValue("int");
        _globals["float"] = new TypeValue("float");
        _globals["bool"] = new TypeValue("bool");
        _globals["len"] = new BuiltinValue("len", Len);
    }

    public SourceText Source { get; }

    public ITableCatalog Catalog { get; }

    public FunctionRegistry Functions { get; }

    public long NowNs { get; }

    /// <summary>The agents px.GetAgentStatus() lists.</summary>
    public IAgentStatusSource Agents { get; init; } = LocalAgentStatusSource.Default;

    public IReadOnlyList<LogicalSink> Sinks => _sinks;

    public IReadOnlyDictionary<string, PxlObject> Globals => _globals;

    public PxlCompileException Error(string message, Node node) => Source.Error(message, node);

    public void AddSink(LogicalPlan plan, string name, Node at)
    {
        if (_sinks.Exists(s => s.Name == name))
        {
            throw Error($"a table named '{name}' is already displayed; give each px.display a different name", at);
        }

        _sinks.Add(new LogicalSink(plan, name));
    }

    /// <summary>Runs the module's top-level statements.</summary>
    public void Run(Module module)
    {
        foreach (var stmt in module.Body)
        {
            if (Execute(stmt, _globals, out _))
            {
                throw Error("'return' outside function", stmt);
            }
        }
    }

    /// <summary>Executes one statement; returns true when it was a <c>return</c> (value in <paramref name="result"/>).</summary>
    private bool Execute(Stmt stmt, Dictionary<string, PxlObject> scope, out PxlObject result)
    {
        result = NoneValue.Instance;
        switch (stmt)
        {
            case ImportStmt import:
                Import(import.Module, import.Alias ?? import.Module, import, scope);
                return false;
            case FromImportStmt from:
                foreach (var (name, alias) in from.Names)
                {
                    var module = LoadModule(from.Module, from);
                    scope[alias ?? name] = module.Attributes.TryGetValue(name, out var v)
                        ? v
                        : throw Error($"module '{from.Module}' has no attribute '{name}'", from);
                }

                return false;
            case AssignStmt assign:
                Assign(assign.Target, Evaluate(assign.Value, scope), scope);
                return false;
            case AugAssignStmt aug:
                var current = Evaluate(aug.Target, scope);
                Assign(aug.Target, Binary(aug.Op, current, Evaluate(aug.Value, scope), aug), scope);
                return false;
            case ExprStmt e:
                Evaluate(e.Value, scope);
                return false;
            case FunctionDef def:
                scope[def.Name] = new FunctionValue(def) { Closure = ReferenceEquals(scope, _globals) ? null : scope };
                return false;
            case ReturnStmt ret:
                result = ret.Value is null ? NoneValue.Instance : Evaluate(ret.Value, scope);
                return true;
            case PassStmt:
                return false;
            case IfStmt branch:
                var body = Truthy(Evaluate(branch.Test, scope), branch.Test) ? branch.Body : branch.OrElse;
                foreach (var s in body)
                {
                    if (Execute(s, scope, out result))
                    {
                        return true;
                    }
                }

                return false;
            default:
                throw Error($"unsupported statement {stmt.GetType().Name}", stmt);
        }
    }

    private void Import(string module, string alias, Node at, Dictionary<string, PxlObject> scope) =>
        scope[alias] = LoadModule(module, at);

    private ModuleValue LoadModule(string module, Node at) => module switch
    {
        "px" => PxModule.Create(this),
        _ => throw Error($"no module named '{module}'; PxL scripts import px", at),
    };

    private void Assign(Expr target, PxlObject value, Dictionary<string, PxlObject> scope)
    {
        switch (target)
        {
            case NameExpr name:
                scope[name.Id] = value;
                break;
            case AttributeExpr attr:
                AssignColumn(attr.Target, attr.Name, value, attr, scope);
                break;
            case SubscriptExpr sub when Evaluate(sub.Index, scope) is StringValue col:
                AssignColumn(sub.Target, col.Value, value, sub.Index, scope);
                break;
            case TupleExpr tuple when value is TupleValue or ListValue:
                var items = value is TupleValue t ? t.Items : ((ListValue)value).Items;
                if (items.Count != tuple.Items.Count)
                {
                    throw Error($"cannot unpack {items.Count} values into {tuple.Items.Count} names", target);
                }

                for (var i = 0; i < items.Count; i++)
                {
                    Assign(tuple.Items[i], items[i], scope);
                }

                break;
            default:
                throw Error("cannot assign to this expression", target);
        }
    }

    /// <summary><c>df.col = expr</c>: a map that keeps every column and adds or replaces <paramref name="column"/>.</summary>
    private void AssignColumn(Expr frameExpr, string column, PxlObject value, Node at, Dictionary<string, PxlObject> scope)
    {
        if (frameExpr is not NameExpr frameName || Evaluate(frameExpr, scope) is not DataFrameValue df)
        {
            throw Error("only columns of a DataFrame variable can be assigned (df.col = expr)", frameExpr);
        }

        var expr = ToExpr(value, at);
        CheckColumns(expr, df.Plan, at);
        var exprs = new List<NamedExpr>();
        var replaced = false;
        foreach (var c in df.Plan.Schema)
        {
            if (c.Name == column)
            {
                exprs.Add(new NamedExpr(column, expr));
                replaced = true;
            }
            else
            {
                exprs.Add(new NamedExpr(c.Name, new ColumnExpr(c.Name, c.Type, c.Semantic)));
            }
        }

        if (!replaced)
        {
            exprs.Add(new NamedExpr(column, expr));
        }

        scope[frameName.Id] = new DataFrameValue(new LogicalMap(df.Plan, exprs));
    }

    /// <summary>Fails when <paramref name="expr"/> reads a column <paramref name="plan"/> does not have.</summary>
    public void CheckColumns(LogicalExpr expr, LogicalPlan plan, Node at)
    {
        foreach (var c in expr.Columns())
        {
            if (plan.Find(c) is null)
            {
                throw Error($"column '{c}' is not in this DataFrame{Suggest.DidYouMean(c, plan.Schema.Select(s => s.Name))}", at);
            }
        }

        CtxAccessor.CheckPlacement(this, expr, plan, at);
    }

    /// <summary>Calls a user function: arguments bound by position, keyword or default, then the body is evaluated.</summary>
    public PxlObject CallFunction(FunctionDef def, CallArgs args, IReadOnlyDictionary<string, PxlObject>? closure = null)
    {
        if (++_depth > MaxCallDepth)
        {
            throw Error($"function calls nested deeper than {MaxCallDepth} (recursion?)", args.Call);
        }

        try
        {
            var enclosing = closure ?? _globals;
            var scope = new Dictionary<string, PxlObject>(enclosing, StringComparer.Ordinal);
            for (var i = 0; i < def.Parameters.Count; i++)
            {
                var p = def.Parameters[i];
                var given = args.Get(p.Name, i);
                var value = given?.Value ?? (p.Default is not null
                    ? Evaluate(p.Default, enclosing)
                    : throw Error($"{def.Name}() is missing the argument '{p.Name}'", args.Call));
                scope[p.Name] = Coerce(value, p, given?.Node ?? args.Call);
            }

            args.CheckNoExtra(def.Name, def.Parameters.Count);
            foreach (var stmt in def.Body)
            {
                if (Execute(stmt, scope, out var result))
                {
                    return result;
                }
            }

            return NoneValue.Instance;
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>Converts string arguments (from vis.json or the CLI) to the parameter's annotated type.</summary>
    private PxlObject Coerce(PxlObject value, Parameter p, Node at)
    {
        if (value is not StringValue s || p.Annotation is null)
        {
            return value;
        }

        var type = p.Annotation is NameExpr n ? n.Id : null;
        return type switch
        {
            "int" => long.TryParse(s.Value, out var l) ? new IntValue(l) : throw Error($"argument '{p.Name}' must be an int, got '{s.Value}'", at),
            "float" => double.TryParse(s.Value, System.Globalization.CultureInfo.InvariantCulture, out var d) ? new FloatValue(d) : throw Error($"argument '{p.Name}' must be a float, got '{s.Value}'", at),
            "bool" => new BoolValue(s.Value is "true" or "True" or "1"),
            _ => value,
        };
    }

    private PxlObject Len(CallArgs args)
    {
        var (v, node) = args.Require("len", "obj", 0);
        return v switch
        {
            StringValue s => new IntValue(s.Value.Length),
            ListValue l => new IntValue(l.Items.Count),
            TupleValue t => new IntValue(t.Items.Count),
            DictValue d => new IntValue(d.Entries.Count),
            _ => throw Error($"object of type '{v.TypeName}' has no len()", node),
        };
    }

    /// <summary>A value as an expression: column expressions as they are, Python constants as literals.</summary>
    public LogicalExpr ToExpr(PxlObject value, Node at) => value switch
    {
        ColumnValue c => c.Expr,
        IntValue i => new LiteralExpr(i.Value, DataType.Int64),
        FloatValue f => new LiteralExpr(f.Value, DataType.Float64),
        StringValue s => new LiteralExpr(s.Value, DataType.String),
        BoolValue b => new LiteralExpr(b.Value, DataType.Boolean),
        _ => throw Error($"a {value.TypeName} cannot be used as a column value", at),
    };
}
