using System.Globalization;

namespace PixieHost.Modules.Pxl.Syntax;

/// <summary>
/// Recursive-descent parser for the Python subset PxL uses, with Python's operator precedence. Errors are
/// <see cref="PxlCompileException"/>s that point at the offending token.
/// </summary>
public sealed partial class Parser
{
    private readonly SourceText _source;
    private readonly List<Token> _tokens;
    private readonly Dictionary<string, string> _flags;
    private const int MaxDepth = 100;
    private int _pos;
    private int _depth;

    private Parser(SourceText source)
    {
        _source = source;
        var lexer = new Lexer(source);
        _tokens = lexer.Tokenize();
        _flags = lexer.Flags;
    }

    public static Module Parse(string text) => Parse(new SourceText(text));

    public static Module Parse(SourceText source) => new Parser(source).ParseModule();

    private Token Current => _tokens[_pos];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];

    private Module ParseModule()
    {
        var body = new List<Stmt>();
        while (Current.Kind != TokenKind.EndOfFile)
        {
            if (Current.Kind == TokenKind.Newline)
            {
                _pos++;
                continue;
            }

            body.Add(ParseStatement());
        }

        return new Module(body, _flags);
    }

    private Stmt ParseStatement()
    {
        var t = Current;
        if (t.Kind == TokenKind.Indent)
        {
            throw Error("unexpected indent", t);
        }

        if (t.Kind == TokenKind.Name)
        {
            switch (t.Text)
            {
                case "def": return ParseFunctionDef();
                case "if": return ParseIf();
                case "import": return EndSimple(ParseImport());
                case "from": return EndSimple(ParseFromImport());
                case "return":
                    _pos++;
                    var value = Current.Kind == TokenKind.Newline ? null : ParseExpressionList();
                    return EndSimple(new ReturnStmt(value, t.Line, t.Column));
                case "pass":
                    _pos++;
                    return EndSimple(new PassStmt(t.Line, t.Column));
                case "class" or "for" or "while" or "with" or "try" or "lambda" or "global" or "del" or "yield":
                    throw Error($"'{t.Text}' is not supported in PxL", t);
            }
        }

        var expr = ParseExpressionList();
        if (Current.IsOp("="))
        {
            CheckTarget(expr);
            _pos++;
            return EndSimple(new AssignStmt(expr, ParseExpressionList(), t.Line, t.Column));
        }

        if (Current.Kind == TokenKind.Operator && Current.Text.Length >= 2 && Current.Text[^1] == '=' && Current.Text is not ("==" or "!=" or "<=" or ">="))
        {
            CheckTarget(expr);
            var op = Current.Text[..^1];
            _pos++;
            return EndSimple(new AugAssignStmt(expr, op, ParseExpressionList(), t.Line, t.Column));
        }

        return EndSimple(new ExprStmt(expr, t.Line, t.Column));
    }

    private void CheckTarget(Expr target)
    {
        if (target is not (NameExpr or AttributeExpr or SubscriptExpr or TupleExpr))
        {
            throw _source.Error("cannot assign to this expression", target);
        }
    }

    /// <summary>Ends a simple statement: a newline, or ';' before another statement on the same line.</summary>
    private Stmt EndSimple(Stmt stmt)
    {
        if (Accept(";") && Current.Kind != TokenKind.Newline)
        {
            return stmt;
        }

        if (Current.Kind is TokenKind.Newline)
        {
            _pos++;
        }
        else if (Current.Kind is not (TokenKind.EndOfFile or TokenKind.Dedent))
        {
            throw Error($"expected end of line but found {Current.Describe()}", Current);
        }

        return stmt;
    }

    private ImportStmt ParseImport()
    {
        var t = Next();
        var name = ParseDottedName();
        string? alias = null;
        if (Current.IsKeyword("as"))
        {
            _pos++;
            alias = ExpectName().Text;
        }

        return new ImportStmt(name, alias, t.Line, t.Column);
    }

    private FromImportStmt ParseFromImport()
    {
        var t = Next();
        var module = ParseDottedName();
        ExpectKeyword("import");
        var names = new List<(string, string?)>();
        do
        {
            var n = ExpectName().Text;
            string? alias = null;
            if (Current.IsKeyword("as"))
            {
                _pos++;
                alias = ExpectName().Text;
            }

            names.Add((n, alias));
        }
        while (Accept(","));

        return new FromImportStmt(module, names, t.Line, t.Column);
    }

    private string ParseDottedName()
    {
        var name = ExpectName().Text;
        while (Accept("."))
        {
            name += "." + ExpectName().Text;
        }

        return name;
    }

    private FunctionDef ParseFunctionDef()
    {
        var t = Next();
        var name = ExpectName().Text;
        Expect("(");
        var parameters = new List<Parameter>();
        while (!Current.IsOp(")"))
        {
            var p = ExpectName();
            var annotation = Accept(":") ? ParseExpression() : null;
            var def = Accept("=") ? ParseExpression() : null;
            if (def is null && parameters.Count > 0 && parameters[^1].Default is not null)
            {
                throw Error("non-default argument follows default argument", p);
            }

            parameters.Add(new Parameter(p.Text, annotation, def, p.Line, p.Column));
            if (!Accept(","))
            {
                break;
            }
        }

        Expect(")");
        var returns = Accept("->") ? ParseExpression() : null;
        Expect(":");
        var body = ParseBlock();
        var doc = body.Count > 0 && body[0] is ExprStmt { Value: ConstantExpr { Value: string s } } ? s : null;
        return new FunctionDef(name, parameters, returns, body, doc, t.Line, t.Column);
    }

    private IfStmt ParseIf()
    {
        var t = Next();
        var test = ParseExpression();
        Expect(":");
        var body = ParseBlock();
        IReadOnlyList<Stmt> orElse = [];
        if (Current.IsKeyword("elif"))
        {
            orElse = [ParseIf()];
        }
        else if (Current.IsKeyword("else"))
        {
            _pos++;
            Expect(":");
            orElse = ParseBlock();
        }

        return new IfStmt(test, body, orElse, t.Line, t.Column);
    }

    private List<Stmt> ParseBlock()
    {
        if (Current.Kind != TokenKind.Newline)
        {
            return [ParseStatement()];
        }

        _pos++;
        if (Current.Kind != TokenKind.Indent)
        {
            throw Error("expected an indented block", Current);
        }

        _pos++;
        var body = new List<Stmt>();
        while (Current.Kind != TokenKind.Dedent && Current.Kind != TokenKind.EndOfFile)
        {
            if (Current.Kind == TokenKind.Newline)
            {
                _pos++;
                continue;
            }

            body.Add(ParseStatement());
        }

        if (Current.Kind == TokenKind.Dedent)
        {
            _pos++;
        }

        return body;
    }

    private Token Next() => _tokens[_pos++];

    private bool Accept(string op)
    {
        if (!Current.IsOp(op))
        {
            return false;
        }

        _pos++;
        return true;
    }

    private Token Expect(string op)
    {
        if (!Current.IsOp(op))
        {
            throw Error($"expected '{op}' but found {Current.Describe()}", Current);
        }

        return Next();
    }

    private void ExpectKeyword(string keyword)
    {
        if (!Current.IsKeyword(keyword))
        {
            throw Error($"expected '{keyword}' but found {Current.Describe()}", Current);
        }

        _pos++;
    }

    private Token ExpectName()
    {
        if (Current.Kind != TokenKind.Name || Keywords.Contains(Current.Text))
        {
            throw Error($"expected a name but found {Current.Describe()}", Current);
        }

        return Next();
    }

    private PxlCompileException Error(string message, Token at) => _source.Error(message, at.Line, at.Column);

    private static readonly HashSet<string> Keywords =
    [
        "and", "or", "not", "in", "is", "if", "else", "elif", "def", "return", "import", "from", "as", "pass",
        "True", "False", "None", "lambda", "for", "while", "class", "with", "try", "global", "del", "yield",
    ];

    private static object ParseNumber(Token t) => t.Kind == TokenKind.Int
        ? (object)long.Parse(t.Text, CultureInfo.InvariantCulture)
        : (object)double.Parse(t.Text, CultureInfo.InvariantCulture);
}
