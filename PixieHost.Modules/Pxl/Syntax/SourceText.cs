namespace PixieHost.Modules.Pxl.Syntax;

/// <summary>Script text split into lines, so errors can quote the offending line.</summary>
public sealed class SourceText
{
    private readonly string[] _lines;

    public SourceText(string text)
    {
        Text = text;
        _lines = text.Replace("\r\n", "\n").Split('\n');
    }

    public string Text { get; }

    /// <summary>The 1-based line, without its newline, or "" when out of range.</summary>
    public string Line(int line) => line >= 1 && line <= _lines.Length ? _lines[line - 1] : string.Empty;

    public PxlCompileException Error(string message, int line, int column) => new(message, line, column, Line(line));

    public PxlCompileException Error(string message, Node node) => Error(message, node.Line, node.Column);
}
