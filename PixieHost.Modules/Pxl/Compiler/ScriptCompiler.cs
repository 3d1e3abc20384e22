using System.Globalization;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>
/// PxL text to a <see cref="LogicalQuery"/>: parse, run the top-level statements, then call the functions a
/// vis.json names (global functions and widget functions) with arguments from the caller or the variables' defaults.
/// </summary>
public sealed class ScriptCompiler(ITableCatalog catalog, FunctionRegistry? functions = null, IAgentStatusSource? agents = null)
{
    private readonly FunctionRegistry _functions = functions ?? FunctionRegistry.Default;
    private readonly IAgentStatusSource _agents = agents ?? LocalAgentStatusSource.Default;

    public LogicalQuery Compile(string script, long nowNs, IReadOnlyDictionary<string, string>? args = null, VisSpec? vis = null) =>
        Compile(script, nowNs, it =>
        {
            if (vis is not null)
            {
                CallVisFunctions(it, vis, args ?? new Dictionary<string, string>());
            }
        });

    /// <summary>
    /// Runs the script, then calls each of <paramref name="execFuncs"/> (Pixie's ExecuteScriptRequest.exec_funcs)
    /// with its own string arguments, converted by the parameters' annotations, and displays each result.
    /// </summary>
    public LogicalQuery Compile(string script, long nowNs, IReadOnlyList<ExecFunc> execFuncs) =>
        Compile(script, nowNs, it =>
        {
            foreach (var f in execFuncs)
            {
                var call = new VisFunc { Name = f.FuncName, Args = f.ArgValues.Select(a => new VisFuncArg { Name = a.Key, Value = a.Value }).ToList() };
                Display(it, call, f.OutputName, new VisSpec(), f.ArgValues, "exec_funcs");
            }
        });

    private LogicalQuery Compile(string script, long nowNs, Action<Interpreter> callFunctions)
    {
        var source = new SourceText(script);
        var module = Parser.Parse(source);
        var it = new Interpreter(source, catalog, _functions, nowNs) { Agents = _agents };
        it.Run(module);
        callFunctions(it);

        if (it.Sinks.Count == 0)
        {
            var hint = module.Body.Any(s => s is FunctionDef)
                ? "; this script only defines functions: run it with its vis.json to call them"
                : "; call px.display(df, 'name')";
            throw source.Error($"script displays no tables{hint}", 1, 1);
        }

        return new LogicalQuery(it.Sinks, module.Flags);
    }

    private static void CallVisFunctions(Interpreter it, VisSpec vis, IReadOnlyDictionary<string, string> args)
    {
        foreach (var g in vis.GlobalFuncs)
        {
            Display(it, g.Func, g.OutputName, vis, args);
        }

        foreach (var w in vis.Widgets)
        {
            if (w.Func is not null)
            {
                Display(it, w.Func, w.Name, vis, args);
            }
        }
    }

    private static void Display(Interpreter it, VisFunc func, string output, VisSpec vis, IReadOnlyDictionary<string, string> args, string caller = "vis.json")
    {
        var at = new NameExpr(func.Name, 1, 1);
        if (!it.Globals.TryGetValue(func.Name, out var f) || f is not FunctionValue fn)
        {
            var defined = it.Globals.Where(g => g.Value is FunctionValue).Select(g => g.Key);
            throw it.Error($"{caller} calls '{func.Name}', which the script does not define{Suggest.DidYouMean(func.Name, defined)}", at);
        }

        var keywords = new List<(string, PxlObject, Node)>();
        foreach (var a in func.Args)
        {
            var value = a.Variable is { } name ? VariableValue(it, vis, args, name, fn.Definition) : Typed(a.Value ?? string.Empty, "PX_STRING");
            keywords.Add((a.Name, value, fn.Definition));
        }

        var result = it.CallFunction(fn.Definition, new CallArgs(it, fn.Definition, [], keywords));
        if (result is not DataFrameValue df)
        {
            throw it.Error($"'{func.Name}' must return a DataFrame for output table '{output}', it returned {result.TypeName}", fn.Definition);
        }

        it.AddSink(df.Plan, output, fn.Definition);
    }

    private static PxlObject VariableValue(Interpreter it, VisSpec vis, IReadOnlyDictionary<string, string> args, string name, Node at)
    {
        var variable = vis.Variables.FirstOrDefault(v => v.Name == name);
        var text = args.TryGetValue(name, out var given) ? given : variable?.DefaultValue;
        if (text is null)
        {
            throw it.Error($"script argument '{name}' has no value and no default; pass it as an argument", at);
        }

        return Typed(text, variable?.Type ?? "PX_STRING");
    }

    private static PxlObject Typed(string text, string type) => type switch
    {
        "PX_INT64" when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => new IntValue(l),
        "PX_FLOAT64" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => new FloatValue(d),
        "PX_BOOLEAN" => new BoolValue(text is "true" or "True" or "1"),
        "PX_STRING_LIST" => new ListValue(text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => (PxlObject)new StringValue(v)).ToArray()),
        _ => new StringValue(text),
    };
}
