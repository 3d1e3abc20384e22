using PixieHost.Modules.Pxl.Scripts;

namespace PixieHost.Cli;

/// <summary>Where `pixie run`/`pixie explain` get their script: a library name (px/http_data) or a file (-f).</summary>
public sealed record ScriptSource(string Pxl, string? Name)
{
    /// <summary>Resolves the script; the error text says what to do when neither or both are given or nothing is found.</summary>
    public static bool TryResolve(string? name, string? file, out ScriptSource source, out string error)
    {
        source = new ScriptSource("", null);
        error = "";
        if (name is null == (file is null))
        {
            error = name is null
                ? "Give a script: a library name (pixie run px/http_data) or a file (pixie run -f my_script.pxl). `pixie scripts list` shows the library."
                : "Give either a library script name or -f FILE, not both.";
            return false;
        }

        if (file is not null)
        {
            if (!File.Exists(file))
            {
                error = $"Script file '{file}' does not exist.";
                return false;
            }

            source = new ScriptSource(File.ReadAllText(file), null);
            return true;
        }

        if (!ScriptLibrary.Embedded.TryGet(name!, out var script))
        {
            var names = ScriptLibrary.Embedded.List().Select(s => s.Name).Order().ToList();
            error = $"No script '{name}' in the library. Available: {string.Join(", ", names)}.";
            return false;
        }

        source = new ScriptSource(script.Pxl, script.Name);
        return true;
    }

    /// <summary>Script arguments after "--": `--name value` or `--name=value`.</summary>
    public static Dictionary<string, string> ParseArgs(IReadOnlyList<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                throw new ArgumentException($"Script argument '{a}' must look like --name value or --name=value.");
            }

            var eq = a.IndexOf('=');
            if (eq > 0)
            {
                result[a[2..eq]] = a[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                result[a[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Script argument '{a}' has no value.");
            }
        }

        return result;
    }
}
