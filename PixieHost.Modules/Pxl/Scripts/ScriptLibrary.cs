using System.Reflection;
using YamlDotNet.Serialization;

namespace PixieHost.Modules.Pxl.Scripts;

/// <summary>A library script: <c>px/&lt;name&gt;</c>, its PxL, vis.json and manifest descriptions.</summary>
public sealed record Script(string Name, string Pxl, string? VisJson, string ShortDescription, string LongDescription);

/// <summary>
/// The bundled PxL scripts, embedded from <c>scripts/px/&lt;name&gt;/</c> (<c>&lt;name&gt;.pxl</c>, <c>vis.json</c>,
/// <c>manifest.yaml</c>) as resources named <c>scripts/px/&lt;name&gt;/&lt;file&gt;</c>.
/// </summary>
public sealed class ScriptLibrary
{
    private const string Prefix = "scripts/";
    private static readonly Lazy<ScriptLibrary> Default = new(() => new ScriptLibrary(typeof(ScriptLibrary).Assembly));
    private readonly SortedDictionary<string, Script> _scripts = new(StringComparer.Ordinal);

    public ScriptLibrary(Assembly assembly)
    {
        var files = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var path = resource.Replace('\\', '/');
            var slash = path.LastIndexOf('/');
            if (!path.StartsWith(Prefix, StringComparison.Ordinal) || slash <= Prefix.Length)
            {
                continue;
            }

            var dir = path[Prefix.Length..slash];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            if (!files.TryGetValue(dir, out var entries))
            {
                files[dir] = entries = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            entries[path[(slash + 1)..]] = reader.ReadToEnd();
        }

        foreach (var (dir, entries) in files)
        {
            var leaf = dir[(dir.LastIndexOf('/') + 1)..];
            if (!entries.TryGetValue(leaf + ".pxl", out var pxl))
            {
                continue;
            }

            var (shortDesc, longDesc) = entries.TryGetValue("manifest.yaml", out var yaml) ? Manifest(yaml) : (string.Empty, string.Empty);
            _scripts[dir] = new Script(dir, pxl, entries.GetValueOrDefault("vis.json"), shortDesc, longDesc);
        }
    }

    /// <summary>The scripts embedded in PixieHost.Modules.</summary>
    public static ScriptLibrary Embedded => Default.Value;

    /// <summary>Looks a script up by name, e.g. <c>px/http_data</c>.</summary>
    public bool TryGet(string name, out Script script) => _scripts.TryGetValue(name, out script!);

    /// <summary>Every script, ordered by name.</summary>
    public IReadOnlyList<Script> List() => _scripts.Values.ToArray();

    private static (string Short, string Long) Manifest(string yaml)
    {
        var map = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(yaml) ?? [];
        return (map.GetValueOrDefault("short", string.Empty).Trim(), map.GetValueOrDefault("long", string.Empty).Trim());
    }
}
