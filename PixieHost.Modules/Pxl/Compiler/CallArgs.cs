using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Modules.Pxl.Compiler;

/// <summary>The evaluated arguments of one call, with the nodes they came from for error positions.</summary>
public sealed class CallArgs(Interpreter interpreter, Node call, IReadOnlyList<(PxlObject Value, Node Node)> positional,
    IReadOnlyList<(string Name, PxlObject Value, Node Node)> keywords)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Interpreter Interpreter { get; } = interpreter;

    public Node Call { get; } = call;

    public IReadOnlyList<(PxlObject Value, Node Node)> Positional { get; } = positional;

    public IReadOnlyList<(string Name, PxlObject Value, Node Node)> Keywords { get; } = keywords;

    /// <summary>The argument given by keyword <paramref name="name"/> or at <paramref name="index"/>, or null.</summary>
    public (PxlObject Value, Node Node)? Get(string name, int index)
    {
        _used.Add(name);
        foreach (var k in Keywords)
        {
            if (k.Name == name)
            {
                return (k.Value, k.Node is KeywordArg ka ? ka.Value : k.Node);
            }
        }

        return index >= 0 && index < Positional.Count ? Positional[index] : null;
    }

    public (PxlObject Value, Node Node) Require(string function, string name, int index) =>
        Get(name, index) ?? throw Interpreter.Error($"{function}() is missing the argument '{name}'", Call);

    /// <summary>Fails on keywords the function does not take or too many positional arguments.</summary>
    public void CheckNoExtra(string function, int maxPositional)
    {
        if (Positional.Count > maxPositional)
        {
            throw Interpreter.Error($"{function}() takes at most {maxPositional} positional arguments but {Positional.Count} were given", Positional[maxPositional].Node);
        }

        foreach (var k in Keywords)
        {
            if (!_used.Contains(k.Name))
            {
                throw Interpreter.Error($"{function}() got an unexpected keyword argument '{k.Name}'{Suggest.DidYouMean(k.Name, _used)}", k.Node);
            }
        }
    }
}
