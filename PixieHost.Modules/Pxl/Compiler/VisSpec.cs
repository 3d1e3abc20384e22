using System.Text.Json;
using System.Text.Json.Serialization;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>
/// The parts of a Pixie vis.json (vispb.Vis) the compiler needs: variables with defaults, global functions and
/// widgets whose functions produce the result tables. Display specs are kept as raw JSON for the UI.
/// </summary>
public sealed class VisSpec
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public List<VisVariable> Variables { get; set; } = [];

    public List<VisGlobalFunc> GlobalFuncs { get; set; } = [];

    public List<VisWidget> Widgets { get; set; } = [];

    public static VisSpec Parse(string json) =>
        JsonSerializer.Deserialize<VisSpec>(json, Options) ?? new VisSpec();
}

/// <summary>A script argument: name, PX_* type, default value and description.</summary>
public sealed class VisVariable
{
    public string Name { get; set; } = string.Empty;

    public string Type { get; set; } = "PX_STRING";

    public string? DefaultValue { get; set; }

    public string? Description { get; set; }

    public List<string>? ValidValues { get; set; }
}

/// <summary>A call of a script function: <c>{"name": "fn", "args": [{"name": "a", "variable": "v"}]}</c>.</summary>
public sealed class VisFunc
{
    public string Name { get; set; } = string.Empty;

    public List<VisFuncArg> Args { get; set; } = [];
}

/// <summary>One argument: a literal <see cref="Value"/> or the name of a <see cref="Variable"/>.</summary>
public sealed class VisFuncArg
{
    public string Name { get; set; } = string.Empty;

    public string? Value { get; set; }

    public string? Variable { get; set; }
}

/// <summary>A function whose output several widgets share, displayed once as <see cref="OutputName"/>.</summary>
public sealed class VisGlobalFunc
{
    public string OutputName { get; set; } = string.Empty;

    public VisFunc Func { get; set; } = new();
}

/// <summary>A widget: its own function (output table named after the widget) or a global function's output.</summary>
public sealed class VisWidget
{
    public string Name { get; set; } = string.Empty;

    public VisFunc? Func { get; set; }

    public string? GlobalFuncOutputName { get; set; }

    public JsonElement? Position { get; set; }

    public JsonElement? DisplaySpec { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
