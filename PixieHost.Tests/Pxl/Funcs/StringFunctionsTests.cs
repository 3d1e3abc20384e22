using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl.Functions;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class StringFunctionsTests
{
    private static (string Query, string[] Params, string Error) Parse(object? json)
    {
        using var doc = JsonDocument.Parse((string)json!);
        var r = doc.RootElement;
        return (r.GetProperty("query").GetString()!, r.GetProperty("params").EnumerateArray().Select(p => p.GetString()!).ToArray(), r.GetProperty("error").GetString()!);
    }

    [TestCase("SELECT * FROM users WHERE id = 42 AND name = 'bob'", "SELECT * FROM users WHERE id = $1 AND name = $2", "42|bob")]
    [TestCase("select a1, t2.b from t2 where x in (1, 2.5, -3e10)", "select a1, t2.b from t2 where x in ($1, $2, -$3)", "1|2.5|3e10")]
    [TestCase("SELECT 'it''s', \"Col\" FROM t", "SELECT $1, \"Col\" FROM t", "it's")]
    [TestCase("SELECT $$a 'b'$$, E'x\\ny'", "SELECT $1, $2", "a 'b'|x\ny")]
    [TestCase("SELECT * FROM t WHERE id = $1 -- 5\n AND y = 7", "SELECT * FROM t WHERE id = $1 -- 5\n AND y = $2", "7")]
    [TestCase("SELECT 1 /* 2 */", "SELECT $1 /* 2 */", "1")]
    public void NormalizePgsql_ReplacesLiteralsWithNumberedPlaceholders(string query, string expected, string parameters)
    {
        var (q, p, e) = Parse(PxlRun.Value($"px.normalize_pgsql({Literal(query)}, 'Query')"));
        q.Should().Be(expected);
        p.Should().Equal(parameters.Split('|'));
        e.Should().BeEmpty();
    }

    [TestCase("SELECT * FROM `orders` WHERE total > 10.5 AND note = \"a\\\"b\" AND k = 'x'", "SELECT * FROM `orders` WHERE total > ? AND note = ? AND k = ?", "10.5|a\"b|x")]
    [TestCase("INSERT INTO t VALUES (0x1F, 'q')", "INSERT INTO t VALUES (?, ?)", "0x1F|q")]
    public void NormalizeMysql_ReplacesLiteralsWithQuestionMarks(string query, string expected, string parameters)
    {
        var (q, p, e) = Parse(PxlRun.Value($"px.normalize_mysql({Literal(query)}, 3)"));
        q.Should().Be(expected);
        p.Should().Equal(parameters.Split('|'));
        e.Should().BeEmpty();
    }

    [Test]
    public void NormalizeMysql_NonQueryCommand_ReturnsError()
    {
        var (q, p, e) = Parse(PxlRun.Value("px.normalize_mysql('x', 14)"));
        q.Should().BeEmpty();
        p.Should().BeEmpty();
        e.Should().NotBeEmpty();
    }

    [TestCase("contact bob@example.com now", "contact <REDACTED_EMAIL> now")]
    [TestCase("from 10.1.2.3:80 to 300.1.1.1", "from <REDACTED_IPV4>:80 to 300.1.1.1")]
    [TestCase("v6 2001:db8::1 and fe80::1ff:fe23:4567:890a", "v6 <REDACTED_IPV6> and <REDACTED_IPV6>")]
    [TestCase("mac 00:1A:2b:3C:4d:5E", "mac <REDACTED_MAC_ADDR>")]
    [TestCase("card 4111 1111 1111 1111 ok", "card <REDACTED_CC_NUMBER> ok")]
    [TestCase("card 4111111111111112 bad luhn", "card 4111111111111112 bad luhn")]
    [TestCase("ssn 123-45-6789", "ssn <REDACTED_SSN>")]
    [TestCase("call +1 415-555-2671", "call <REDACTED_PHONE>")]
    [TestCase("imei 490154203237518", "imei <REDACTED_IMEI>")]
    [TestCase("nothing here 12345, ünïcode", "nothing here 12345, ünïcode")]
    public void RedactPii_BestEffort(string input, string expected)
    {
        PiiRedactor.Redact(input).Should().Be(expected);
        PxlRun.Value($"px.redact_pii_best_effort({Literal(input)})").Should().Be(expected);
    }

    [TestCase("'[1, \"two\", {\"a\": [3]}, null]'", 0, "1")]
    [TestCase("'[1, \"two\", {\"a\": [3]}, null]'", 1, "two")]
    [TestCase("'[1, \"two\", {\"a\": [3]}, null]'", 2, "{\"a\": [3]}")]
    [TestCase("'[1, \"two\", {\"a\": [3]}, null]'", 3, "")]
    [TestCase("'[1, \"two\", {\"a\": [3]}, null]'", 4, "")]
    [TestCase("'[\"a\\\\u0041\"]'", 0, "aA")]
    [TestCase("'{\"a\": 1}'", 0, "")]
    [TestCase("'not json'", 0, "")]
    public void PluckArray_ElementAsText(string json, int index, string expected) =>
        PxlRun.Value($"px.pluck_array({json}, {index})").Should().Be(expected);

    [TestCase("px.strip_prefix('/api', '/api/users')", "/users")]
    [TestCase("px.strip_prefix('/x', '/api/users')", "/api/users")]
    [TestCase("px.replace('[0-9]+', '/items/42/sub/7', 'N')", "/items/N/sub/N")]
    [TestCase("px.replace('(a)(b)', 'xaby', '\\\\2\\\\1')", "xbay")]
    [TestCase("px.hex_to_ascii('48656c6c6f')", "Hello")]
    [TestCase("px.hex_to_ascii('4x')", "")]
    public void StringExtras(string expr, string expected) => PxlRun.Value(expr).Should().Be(expected);

    private static string Literal(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'").Replace("\n", "\\n") + "'";
}
