using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Syntax;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class LexerTests
{
    private static string Kinds(string text) =>
        string.Join(" ", Lexer.Tokenize(text).Select(t => t.Kind switch
        {
            TokenKind.Name or TokenKind.Operator or TokenKind.Int or TokenKind.Float => t.Text,
            TokenKind.String => $"'{t.Text}'",
            _ => t.Kind.ToString().ToUpperInvariant(),
        }));

    [Test]
    public void Tokenize_FunctionBody_EmitsIndentAndDedent()
    {
        Kinds("def f(a):\n    return a\nx = 1\n")
            .Should().Be("def f ( a ) : NEWLINE INDENT return a NEWLINE DEDENT x = 1 NEWLINE ENDOFFILE");
    }

    [Test]
    public void Tokenize_NewlinesInsideBrackets_AreJoined()
    {
        Kinds("f(a,\n  b)\n").Should().Be("f ( a , b ) NEWLINE ENDOFFILE");
    }

    [Test]
    public void Tokenize_CommentsAndBlankLines_AreSkipped()
    {
        Kinds("# header\n\nx = 1  # trailing\n\n   \n").Should().Be("x = 1 NEWLINE ENDOFFILE");
    }

    [Test]
    public void Tokenize_AllQuoteStyles_DecodeValues()
    {
        var tokens = Lexer.Tokenize("a = 'x\\n'\nb = \"y\"\nc = '''multi\nline'''\nd = \"\"\"doc\"\"\"\ne = r'\\d'\n");
        tokens.Where(t => t.Kind == TokenKind.String).Select(t => t.Text)
            .Should().Equal("x\n", "y", "multi\nline", "doc", "\\d");
    }

    [Test]
    public void Tokenize_Numbers_DistinguishIntsAndFloats()
    {
        var tokens = Lexer.Tokenize("1 2.5 1e9 .5 1_000 0x10\n").Where(t => t.Kind is TokenKind.Int or TokenKind.Float).ToList();
        tokens.Select(t => (t.Kind, t.Text)).Should().Equal(
            (TokenKind.Int, "1"), (TokenKind.Float, "2.5"), (TokenKind.Float, "1e9"), (TokenKind.Float, ".5"),
            (TokenKind.Int, "1000"), (TokenKind.Int, "16"));
    }

    [Test]
    public void Tokenize_PxSetComment_CollectsFlags()
    {
        var lexer = new Lexer(new SourceText("#px:set max_output_rows_per_table=50\nimport px\n"));
        lexer.Tokenize();
        lexer.Flags.Should().ContainKey("max_output_rows_per_table").WhoseValue.Should().Be("50");
    }

    [Test]
    public void Tokenize_Positions_AreOneBased()
    {
        var t = Lexer.Tokenize("x = 1\n  \ny = foo\n").First(t => t.Text == "foo");
        (t.Line, t.Column).Should().Be((3, 5));
    }

    [Test]
    public void Tokenize_UnterminatedString_ReportsStartOfString()
    {
        var act = () => Lexer.Tokenize("x = 1\ny = 'abc\n");
        act.Should().Throw<PxlCompileException>()
            .Where(e => e.Line == 2 && e.Column == 5 && e.Message == "unterminated string" && e.SourceLine == "y = 'abc");
    }

    [Test]
    public void Tokenize_UnterminatedTripleQuote_ReportsStart()
    {
        var act = () => Lexer.Tokenize("'''doc\nstill doc\n");
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 1 && e.Column == 1 && e.Message.Contains("triple-quoted"));
    }

    [Test]
    public void Tokenize_BadDedent_ReportsLine()
    {
        var act = () => Lexer.Tokenize("def f():\n    x = 1\n  y = 2\n");
        act.Should().Throw<PxlCompileException>()
            .Where(e => e.Line == 3 && e.Column == 3 && e.Message == "unindent does not match any outer indentation level");
    }

    [Test]
    public void Tokenize_UnexpectedIndent_ReportsLine()
    {
        var act = () => Lexer.Tokenize("x = 1\n    y = 2\n");
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 2 && e.Column == 5 && e.Message == "unexpected indent");
    }

    [Test]
    public void Tokenize_UnclosedBracket_PointsAtOpeningBracket()
    {
        var act = () => Lexer.Tokenize("import px\ndf = px.DataFrame(table='http_events'\n");
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 2 && e.Column == 18 && e.Message == "'(' was never closed");
    }
}
