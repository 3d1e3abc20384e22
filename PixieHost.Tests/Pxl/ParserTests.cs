using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class ParserTests
{
    private static Expr ParseExpr(string text) => ((ExprStmt)Parser.Parse(text + "\n").Body[0]).Value;

    /// <summary>Prints an expression fully parenthesised, to check precedence.</summary>
    private static string Show(Expr e) => e switch
    {
        NameExpr n => n.Id,
        ConstantExpr c => c.Value is string s ? $"'{s}'" : c.Value?.ToString() ?? "None",
        AttributeExpr a => $"{Show(a.Target)}.{a.Name}",
        SubscriptExpr s => $"{Show(s.Target)}[{Show(s.Index)}]",
        CallExpr c => $"{Show(c.Function)}({string.Join(", ", c.Args.Select(Show).Concat(c.Keywords.Select(k => $"{k.Name}={Show(k.Value)}")))})",
        ListExpr l => $"[{string.Join(", ", l.Items.Select(Show))}]",
        TupleExpr t => $"({string.Join(", ", t.Items.Select(Show))})",
        DictExpr d => "{" + string.Join(", ", d.Keys.Select((k, i) => $"{Show(k)}: {Show(d.Values[i])}")) + "}",
        UnaryExpr u => $"({u.Op} {Show(u.Operand)})",
        BinaryExpr b => $"({Show(b.Left)} {b.Op} {Show(b.Right)})",
        CompareExpr c => $"({Show(c.Left)} {c.Op} {Show(c.Right)})",
        BoolOpExpr b => $"({Show(b.Left)} {b.Op} {Show(b.Right)})",
        _ => e.GetType().Name,
    };

    [TestCase("a + b * c", "(a + (b * c))")]
    [TestCase("a - b - c", "((a - b) - c)")]
    [TestCase("df.a >= 200 & df.b < 3", "((df.a >= (200 & df.b)) and ((200 & df.b) < 3))")]
    [TestCase("(df.a >= 200) & (df.b < 3)", "((df.a >= 200) & (df.b < 3))")]
    [TestCase("~(x == 1) | y", "((~ (x == 1)) | y)")]
    [TestCase("not a and b or c", "(((not a) and b) or c)")]
    [TestCase("-x ** 2", "(- (x ** 2))")]
    [TestCase("a < b < c", "((a < b) and (b < c))")]
    [TestCase("x not in [1, 2]", "(x not in [1, 2])")]
    public void Parse_Operators_FollowPythonPrecedence(string text, string expected)
    {
        Show(ParseExpr(text)).Should().Be(expected);
    }

    [Test]
    public void Parse_CallWithKeywordsListsTuplesAndDicts_BuildsTree()
    {
        Show(ParseExpr("df.groupby(['a', 'b']).agg(n=('latency', px.count), d={'k': 1})"))
            .Should().Be("df.groupby(['a', 'b']).agg(n=('latency', px.count), d={'k': 1})");
    }

    [Test]
    public void Parse_FunctionDef_KeepsTypedArgsDefaultsAndDocstring()
    {
        var module = Parser.Parse("import px\n\ndef f(start_time: str, n: int = 10, svc: px.Service = ''):\n    '''Doc.'''\n    return n\n");
        var def = module.Body.OfType<FunctionDef>().Single();
        def.Parameters.Select(p => p.Name).Should().Equal("start_time", "n", "svc");
        ((NameExpr)def.Parameters[0].Annotation!).Id.Should().Be("str");
        ((AttributeExpr)def.Parameters[2].Annotation!).Name.Should().Be("Service");
        ((ConstantExpr)def.Parameters[1].Default!).Value.Should().BeOfType<long>().Which.Should().Be(10);
        def.Docstring.Should().Be("Doc.");
        def.Body.Last().Should().BeOfType<ReturnStmt>();
    }

    [Test]
    public void Parse_AttributeAssignment_TargetsColumn()
    {
        var stmt = (AssignStmt)Parser.Parse("df.ms = df.latency / 1000000\n").Body[0];
        stmt.Target.Should().BeOfType<AttributeExpr>().Which.Name.Should().Be("ms");
    }

    [Test]
    public void Parse_Nodes_CarryLineAndColumn()
    {
        var stmt = (AssignStmt)Parser.Parse("import px\ndf = df[df.resp_status >= 200]\n").Body[1];
        var sub = (SubscriptExpr)stmt.Value;
        var attr = (AttributeExpr)((CompareExpr)sub.Index).Left;
        (attr.Line, attr.Column).Should().Be((2, 12));
    }

    [Test]
    public void Parse_MissingCloseParen_ReportsEndOfLine()
    {
        var act = () => Parser.Parse("import px\ndf = px.DataFrame(table='x')\npx.display(df 'name')\n");
        act.Should().Throw<PxlCompileException>()
            .Where(e => e.Line == 3 && e.Column == 15 && e.Message == "expected ')' but found string");
    }

    [Test]
    public void Parse_UnexpectedToken_ReportsPosition()
    {
        var act = () => Parser.Parse("x = 1 +\n");
        act.Should().Throw<PxlCompileException>()
            .Where(e => e.Line == 1 && e.Column == 8 && e.Message == "expected an expression but found end of line");
    }

    [Test]
    public void Parse_TrailingTokens_ReportExpectedEndOfLine()
    {
        var act = () => Parser.Parse("x = 1 2\n");
        act.Should().Throw<PxlCompileException>()
            .Where(e => e.Line == 1 && e.Column == 7 && e.Message == "expected end of line but found number 2");
    }

    [Test]
    public void Parse_DefWithoutBody_ReportsExpectedIndentedBlock()
    {
        var act = () => Parser.Parse("def f():\nx = 1\n");
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 2 && e.Message == "expected an indented block");
    }

    [Test]
    public void Render_Error_ShowsLineAndCaret()
    {
        var e = Assert.Throws<PxlCompileException>(() => Parser.Parse("x = (1, 2]\n"))!;
        e.Render().Should().Be("line 1, col 10: closing ']' does not match '(' at line 1, col 5\n  x = (1, 2]\n           ^");
    }

    [Test]
    public void Parse_Semicolons_SeparateStatements()
    {
        var module = Parser.Parse("a = 1; b = 2;\nc = 3\n");
        module.Body.Select(s => ((NameExpr)((AssignStmt)s).Target).Id).Should().Equal("a", "b", "c");
    }
}
