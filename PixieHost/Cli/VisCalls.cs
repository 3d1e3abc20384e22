using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Rpc.VizierApi;
using FuncToExecute = PixieHost.Modules.Rpc.VizierApi.ExecuteScriptRequest.Types.FuncToExecute;

namespace PixieHost.Cli;

/// <summary>
/// The calls a vis.json asks for, as Pixie's CLI sends them: one <c>exec_funcs</c> entry per global function and per
/// widget with its own function, its arguments filled from the caller's values or the variables' defaults, and the
/// output named after the global output or the widget.
/// </summary>
public static class VisCalls
{
    /// <summary>Checks the caller's arguments against the vis.json variables: none unknown, none without a value; the error lists the variables.</summary>
    public static bool TryCheckArgs(VisSpec vis, IReadOnlyDictionary<string, string> args, out string error)
    {
        var unknown = args.Keys.Where(k => vis.Variables.All(v => v.Name != k)).Order(StringComparer.Ordinal).ToList();
        var missing = vis.Variables.Where(v => v.DefaultValue is null && !args.ContainsKey(v.Name)).Select(v => "--" + v.Name).ToList();
        error = unknown.Count > 0
            ? $"The script has no argument {string.Join(", ", unknown.Select(u => "--" + u))}. Its arguments: " +
              (vis.Variables.Count == 0 ? "none." : string.Join(", ", vis.Variables.Select(Describe)) + ".")
            : missing.Count > 0
                ? $"The script needs {string.Join(", ", missing)}: its vis.json gives no default. Pass it after --, e.g. -- {missing[0]} VALUE."
                : string.Empty;
        return error.Length == 0;
    }

    private static string Describe(VisVariable v) => v.DefaultValue is null ? $"--{v.Name} (required)" : $"--{v.Name} (default '{v.DefaultValue}')";

    /// <summary>The <c>exec_funcs</c> of a request that runs the functions <paramref name="vis"/> names.</summary>
    public static IReadOnlyList<FuncToExecute> ExecFuncs(VisSpec vis, IReadOnlyDictionary<string, string> args)
    {
        var calls = new List<FuncToExecute>();
        foreach (var g in vis.GlobalFuncs)
        {
            calls.Add(Call(g.Func, g.OutputName, vis, args));
        }

        for (var i = 0; i < vis.Widgets.Count; i++)
        {
            if (vis.Widgets[i].Func is { } f)
            {
                calls.Add(Call(f, string.IsNullOrEmpty(vis.Widgets[i].Name) ? $"widget_{i}" : vis.Widgets[i].Name, vis, args));
            }
        }

        return calls;
    }

    /// <summary>A request for <paramref name="pxl"/> that runs the vis.json's functions.</summary>
    public static ExecuteScriptRequest Request(string pxl, VisSpec vis, IReadOnlyDictionary<string, string> args)
    {
        var request = new ExecuteScriptRequest { QueryStr = pxl };
        request.ExecFuncs.AddRange(ExecFuncs(vis, args));
        return request;
    }

    private static FuncToExecute Call(VisFunc func, string output, VisSpec vis, IReadOnlyDictionary<string, string> args)
    {
        var call = new FuncToExecute { FuncName = func.Name, OutputTablePrefix = output };
        foreach (var a in func.Args)
        {
            var value = a.Variable is { } v
                ? args.TryGetValue(v, out var given) ? given : vis.Variables.FirstOrDefault(x => x.Name == v)?.DefaultValue ?? string.Empty
                : a.Value ?? string.Empty;
            call.ArgValues.Add(new FuncToExecute.Types.ArgValue { Name = a.Name, Value = value });
        }

        return call;
    }
}
