using System.CommandLine;
using PixieHost.Modules.Pxl.Scripts;

namespace PixieHost.Cli;

/// <summary>`pixie scripts list` and `pixie scripts show NAME`: the embedded script library.</summary>
public static class ScriptsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the scripts in the library with their short descriptions.");
        list.SetAction(_ =>
        {
            var scripts = ScriptLibrary.Embedded.List().OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
            var width = scripts.Max(s => s.Name.Length);
            foreach (var s in scripts)
            {
                Console.WriteLine($"{s.Name.PadRight(width)}  {s.ShortDescription}");
            }

            return 0;
        });
        var name = new Argument<string>("script") { Description = "Library script, e.g. px/http_data." };
        var show = new Command("show", "Print a library script's PxL.") { name };
        show.SetAction(parse =>
        {
            if (!ScriptLibrary.Embedded.TryGet(parse.GetValue(name)!, out var s))
            {
                Console.Error.WriteLine($"pixie scripts show: no script '{parse.GetValue(name)}'. `pixie scripts list` shows the library.");
                return 2;
            }

            Console.WriteLine($"# {s.Name}: {s.ShortDescription}");
            Console.Write(s.Pxl);
            return 0;
        });
        return new Command("scripts", "The PxL script library embedded in pixie.") { list, show };
    }
}
