namespace PixieHost.Modules.Pxl.Syntax;

/// <summary>Expressions, from lowest to highest precedence as in Python's grammar.</summary>
public sealed partial class Parser
{
    /// <summary>An expression, or a bare tuple <c>a, b</c>.</summary>
    private Expr ParseExpressionList()
    {
        var first = ParseExpression();
        if (!Current.IsOp(","))
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (Accept(","))
        {
            if (Current.Kind is TokenKind.Newline || Current.IsOp("="))
            {
                break;
            }

            items.Add(ParseExpression());
        }

        return new TupleExpr(items, first.Line, first.Column);
    }

    private Expr ParseExpression()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"expression nested more than {MaxDepth} levels deep", Current);
        }

        try
        {
            return ParseConditional();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseConditional()
    {
        var body = ParseOr();
        if (!Current.IsKeyword("if"))
        {
            return body;
        }

        _pos++;
        var test = ParseOr();
        ExpectKeyword("else");
        var orElse = ParseExpression();
        return new ConditionalExpr(test, body, orElse, body.Line, body.Column);
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsKeyword("or"))
        {
            var op = Next();
            left = new BoolOpExpr("or", left, ParseAnd(), op.Line, op.Column);
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsKeyword("and"))
        {
            var op = Next();
            left = new BoolOpExpr("and", left, ParseNot(), op.Line, op.Column);
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (!Current.IsKeyword("not"))
        {
            return ParseComparison();
        }

        var t = Next();
        return new UnaryExpr("not", ParseExpressionAt(ParseNot), t.Line, t.Column);
    }

    /// <summary>Recursion through unary operators counts toward the nesting limit too.</summary>
    private Expr ParseExpressionAt(Func<Expr> parse)
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"expression nested more than {MaxDepth} levels deep", Current);
        }

        try
        {
            return parse();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseComparison()
    {
        var left = ParseBinary(0);
        Expr? result = null;
        while (Current is var at && TryCompareOp(out var op))
        {
            var right = ParseBinary(0);
            var cmp = new CompareExpr(op, left, right, at.Line, at.Column);
            result = result is null ? cmp : new BoolOpExpr("and", result, cmp, result.Line, result.Column);
            left = right;
        }

        return result ?? left;
    }

    private bool TryCompareOp(out string op)
    {
        op = string.Empty;
        var t = Current;
        if (t.Kind == TokenKind.Operator && t.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            op = t.Text;
            _pos++;
            return true;
        }

        if (t.IsKeyword("in"))
        {
            op = "in";
            _pos++;
            return true;
        }

        if (t.IsKeyword("not") && Peek().IsKeyword("in"))
        {
            op = "not in";
            _pos += 2;
            return true;
        }

        if (t.IsKeyword("is"))
        {
            _pos++;
            op = Current.IsKeyword("not") ? "is not" : "is";
            if (op == "is not")
            {
                _pos++;
            }

            return true;
        }

        return false;
    }

    /// <summary>Binary operator levels, loosest first: | ^ &amp; (&lt;&lt; &gt;&gt;) (+ -) (* / // % @).</summary>
    private static readonly string[][] Levels =
    [
        ["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"],
    ];

    private Expr ParseBinary(int level)
    {
        if (level == Levels.Length)
        {
            return ParseUnary();
        }

        var left = ParseBinary(level + 1);
        while (Current.Kind == TokenKind.Operator && Array.IndexOf(Levels[level], Current.Text) >= 0)
        {
            var op = Next();
            left = new BinaryExpr(op.Text, left, ParseBinary(level + 1), op.Line, op.Column);
        }

        return left;
    }

    private Expr ParseUnary()
    {
        var t = Current;
        if (t.Kind == TokenKind.Operator && t.Text is "-" or "+" or "~")
        {
            _pos++;
            return new UnaryExpr(t.Text, ParseExpressionAt(ParseUnary), t.Line, t.Column);
        }

        var baseExpr = ParsePostfix();
        if (!Accept("**"))
        {
            return baseExpr;
        }

        return new BinaryExpr("**", baseExpr, ParseUnary(), baseExpr.Line, baseExpr.Column);
    }

    private Expr ParsePostfix()
    {
        var expr = ParseAtom();
        while (true)
        {
            var t = Current;
            if (t.IsOp("("))
            {
                expr = ParseCall(expr);
            }
            else if (t.IsOp("["))
            {
                _pos++;
                var index = ParseExpressionList();
                if (Current.IsOp(":"))
                {
                    throw Error("slices are not supported in PxL", Current);
                }

                Expect("]");
                expr = new SubscriptExpr(expr, index, t.Line, t.Column);
            }
            else if (t.IsOp("."))
            {
                _pos++;
                var name = ExpectName();
                expr = new AttributeExpr(expr, name.Text, name.Line, name.Column);
            }
            else
            {
                return expr;
            }
        }
    }

    private CallExpr ParseCall(Expr function)
    {
        var open = Expect("(");
        var args = new List<Expr>();
        var keywords = new List<KeywordArg>();
        while (!Current.IsOp(")"))
        {
            if (Current.Kind == TokenKind.Name && Peek().IsOp("="))
            {
                var name = Next();
                _pos++;
                if (keywords.Exists(k => k.Name == name.Text))
                {
                    throw Error($"keyword argument '{name.Text}' repeated", name);
                }

                keywords.Add(new KeywordArg(name.Text, ParseExpression(), name.Line, name.Column));
            }
            else
            {
                var arg = ParseExpression();
                if (keywords.Count > 0)
                {
                    throw _source.Error("positional argument follows keyword argument", arg);
                }

                args.Add(arg);
            }

            if (!Accept(","))
            {
                break;
            }
        }

        Expect(")");
        return new CallExpr(function, args, keywords, open.Line, open.Column);
    }

    private Expr ParseAtom()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Int or TokenKind.Float:
                _pos++;
                return new ConstantExpr(ParseNumber(t), t.Line, t.Column);
            case TokenKind.String:
                var s = Next().Text;
                while (Current.Kind == TokenKind.String)
                {
                    s += Next().Text;
                }

                return new ConstantExpr(s, t.Line, t.Column);
            case TokenKind.Name:
                switch (t.Text)
                {
                    case "True": _pos++; return new ConstantExpr(true, t.Line, t.Column);
                    case "False": _pos++; return new ConstantExpr(false, t.Line, t.Column);
                    case "None": _pos++; return new ConstantExpr(null, t.Line, t.Column);
                }

                return new NameExpr(ExpectName().Text, t.Line, t.Column);
            case TokenKind.Operator when t.Text == "(":
                return ParseParenthesized();
            case TokenKind.Operator when t.Text == "[":
                _pos++;
                var items = ParseItems("]");
                return new ListExpr(items, t.Line, t.Column);
            case TokenKind.Operator when t.Text == "{":
                return ParseDict();
        }

        throw Error($"expected an expression but found {t.Describe()}", t);
    }

    private Expr ParseParenthesized()
    {
        var open = Next();
        if (Accept(")"))
        {
            return new TupleExpr([], open.Line, open.Column);
        }

        var first = ParseExpression();
        if (Accept(")"))
        {
            return first;
        }

        Expect(",");
        var items = new List<Expr> { first };
        items.AddRange(ParseItems(")"));
        return new TupleExpr(items, open.Line, open.Column);
    }

    /// <summary>Comma-separated expressions up to and including <paramref name="close"/>; a trailing comma is allowed.</summary>
    private List<Expr> ParseItems(string close)
    {
        var items = new List<Expr>();
        while (!Current.IsOp(close))
        {
            items.Add(ParseExpression());
            if (!Accept(","))
            {
                break;
            }
        }

        Expect(close);
        return items;
    }

    private DictExpr ParseDict()
    {
        var open = Next();
        var keys = new List<Expr>();
        var values = new List<Expr>();
        while (!Current.IsOp("}"))
        {
            keys.Add(ParseExpression());
            Expect(":");
            values.Add(ParseExpression());
            if (!Accept(","))
            {
                break;
            }
        }

        Expect("}");
        return new DictExpr(keys, values, open.Line, open.Column);
    }
}
