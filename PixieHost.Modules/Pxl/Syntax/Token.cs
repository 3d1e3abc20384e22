namespace PixieHost.Modules.Pxl.Syntax;

/// <summary>The kinds of token the PxL lexer produces.</summary>
public enum TokenKind
{
    EndOfFile,
    Newline,
    Indent,
    Dedent,
    Name,
    Int,
    Float,
    String,
    Operator,
}

/// <summary>One token with its 1-based position. <see cref="Text"/> is the decoded value for strings.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    public bool Is(TokenKind kind, string text) => Kind == kind && Text == text;

    public bool IsOp(string text) => Kind == TokenKind.Operator && Text == text;

    public bool IsKeyword(string text) => Kind == TokenKind.Name && Text == text;

    /// <summary>How the token reads in an error message: "')'", "end of line", "name 'x'".</summary>
    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of input",
        TokenKind.Newline => "end of line",
        TokenKind.Indent => "indent",
        TokenKind.Dedent => "dedent",
        TokenKind.Name => $"'{Text}'",
        TokenKind.String => "string",
        TokenKind.Int or TokenKind.Float => $"number {Text}",
        _ => $"'{Text}'",
    };
}
