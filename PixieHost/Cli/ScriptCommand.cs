using System.CommandLine;
using PixieHost.Modules.Pxl.Scripts;

namespace PixieHost.Cli;

/// <summary>`pixie script list` and `pixie script show NAME [--vis]`: the embedded script library (`scripts` is an alias).</summary>
public static class ScriptCommand
{
    public static Command Create() => Create(ScriptLibrary.Embedded, Console.Out, Console.Error);

    /// <summary>The verb over <paramref name="library"/>, writing to the given streams (tests pass their own).</summary>
    public static Command Create(ScriptLibrary library, TextWriter output, TextWriter errors)
    {
        var list = new Command("list", "List the scripts in the library with their short descriptions.");
        list.SetAction(_ =>
        {
            var scripts = library.List();
            var width = scripts.Count == 0 ? 0 : scripts.Max(s => s.Name.Length);
            foreach (var s in scripts)
            {
                output.WriteLine($"{s.Name.PadRight(width)}  {s.ShortDescription}");
            }

            return 0;
        });
        var name = new Argument<string>("script") { Description = "Library script, e.g. px/http_data (the px/ may be left out)." };
        var vis = new Option<bool>("--vis") { Description = "Also print the script's vis.json (variables, functions and widgets)." };
        var show = new Command("show", "Print a library script's PxL, its description and, with --vis, its vis.json.") { name, vis };
        show.SetAction(parse =>
        {
            if (!ScriptSource.TryFindInLibrary(library, parse.GetValue(name)!, out var s, out var error))
            {
                errors.WriteLine($"pixie script show: {error}");
                return 2;
            }

            output.WriteLine($"# {s.Name}: {s.ShortDescription}");
            output.Write(s.Pxl);
            if (parse.GetValue(vis))
            {
                output.WriteLine();
                output.WriteLine($"# {s.Name}/vis.json");
                output.WriteLine(s.VisJson?.TrimEnd() ?? "(this script has no vis.json)");
            }

            return 0;
        });
        var cmd = new Command("script", "The PxL script library embedded in pixie.") { list, show };
        cmd.Aliases.Add("scripts");
        return cmd;
    }
}
