using System.Text.Json;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Scripts;

namespace PixieHost.Cli;

/// <summary>
/// Where `pixie run`/`pixie explain` get their script: a library name (px/http_data), a .pxl file, or a script
/// directory in Pixie's layout (one .pxl, a vis.json, a manifest.yaml), given with -f.
/// </summary>
/// <param name="Pxl">The PxL text.</param>
/// <param name="Name">The library name, when the script comes from the library.</param>
/// <param name="Vis">The vis.json text whose functions are run, or null for a plain script.</param>
/// <param name="Origin">What the user named: the library name, file or directory (for messages).</param>
public sealed record ScriptSource(string Pxl, string? Name, string? Vis = null, string Origin = "")
{
    /// <summary>Resolves the script; the error text says what to do when neither or both are given or nothing is found.</summary>
    public static bool TryResolve(string? name, string? file, out ScriptSource source, out string error) =>
        TryResolve(name, file, ScriptLibrary.Embedded, out source, out error);

    /// <summary>As <see cref="TryResolve(string?, string?, out ScriptSource, out string)"/>, against <paramref name="library"/>.</summary>
    public static bool TryResolve(string? name, string? file, ScriptLibrary library, out ScriptSource source, out string error)
    {
        source = new ScriptSource("", null);
        error = "";
        if (name is null == (file is null))
        {
            error = name is null
                ? "Give a script: a library name (pixie run px/http_data), a file (pixie run -f my_script.pxl) or a script directory (pixie run -f ./my_script/). `pixie script list` shows the library."
                : "Give either a library script name or -f FILE|DIR, not both.";
            return false;
        }

        if (file is not null)
        {
            return Directory.Exists(file) ? TryDirectory(file, out source, out error) : TryFile(file, out source, out error);
        }

        if (!TryFindInLibrary(library, name!, out var script, out error))
        {
            return false;
        }

        source = new ScriptSource(script.Pxl, script.Name, script.VisJson, script.Name);
        return true;
    }

    /// <summary>
    /// A library script by name; "http_data" also finds "px/http_data". The error names the closest scripts.
    /// </summary>
    public static bool TryFindInLibrary(ScriptLibrary library, string name, out Script script, out string error)
    {
        error = "";
        if (library.TryGet(name, out script) || (!name.Contains('/', StringComparison.Ordinal) && library.TryGet("px/" + name, out script)))
        {
            return true;
        }

        var nearest = library.List()
            .Select(s => (s.Name, Distance: Math.Min(Suggest.Distance(name, s.Name), Suggest.Distance(name, s.Name[(s.Name.IndexOf('/') + 1)..]))))
            .Where(s => s.Distance <= Math.Max(2, name.Length / 3))
            .OrderBy(s => s.Distance)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(s => s.Name)
            .ToList();
        error = nearest.Count == 0
            ? $"No script '{name}' in the library. `pixie script list` shows the {library.List().Count} scripts it has."
            : $"No script '{name}' in the library. Did you mean {string.Join(" or ", nearest)}? `pixie script list` shows them all.";
        return false;
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

    private static bool TryFile(string file, out ScriptSource source, out string error)
    {
        source = new ScriptSource("", null);
        error = "";
        if (!File.Exists(file))
        {
            error = $"Script file '{file}' does not exist.";
            return false;
        }

        source = new ScriptSource(File.ReadAllText(file), null, null, file);
        return true;
    }

    private static bool TryDirectory(string dir, out ScriptSource source, out string error)
    {
        source = new ScriptSource("", null);
        var pxls = Directory.GetFiles(dir, "*.pxl", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
        if (pxls.Count != 1)
        {
            error = pxls.Count == 0
                ? $"Directory '{dir}' has no .pxl file. A script directory holds one <name>.pxl, and optionally a vis.json and a manifest.yaml."
                : $"Directory '{dir}' has {pxls.Count} .pxl files ({string.Join(", ", pxls.Select(Path.GetFileName))}); a script directory holds exactly one. Pass the file you mean with -f {pxls[0]}.";
            return false;
        }

        string? vis = null;
        var visPath = Path.Combine(dir, "vis.json");
        if (File.Exists(visPath))
        {
            vis = File.ReadAllText(visPath);
            if (!TryCheckVis(visPath, vis, out error))
            {
                return false;
            }
        }

        error = "";
        source = new ScriptSource(File.ReadAllText(pxls[0]), null, vis, dir);
        return true;
    }

    /// <summary>Checks that <paramref name="json"/> is valid JSON in vis.json's shape; the error names the file and the position.</summary>
    public static bool TryCheckVis(string path, string json, out string error)
    {
        error = "";
        try
        {
            VisSpec.Parse(json);
            return true;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "unknown position";
            var what = ex.Path is { Length: > 1 } p ? $" (at {p})" : string.Empty;
            error = $"{path} is not a valid vis.json: {where}{what}: {FirstSentence(ex.Message)}";
            return false;
        }
    }

    // System.Text.Json appends "Path: ... | LineNumber: ... | BytePositionInLine: ..." which the caller already renders.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
