using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Redis;

namespace PixieHost.Tests.Pem.Protocols.Redis;

[TestFixture]
public class RedisParserTests
{
    private static readonly object[] Replies =
    [
        new object[] { "+OK\r\n", "OK" },
        new object[] { "-Error message\r\n", "-Error message" },
        new object[] { ":-123\r\n", "-123" },
        new object[] { "$11\r\nbulk string\r\n", "bulk string" },
        new object[] { "$0\r\n\r\n", "" },
        new object[] { "$-1\r\n", "<NULL>" },
        new object[] { "*0\r\n", "[]" },
        new object[] { "*-1\r\n", "[NULL]" },
        new object[] { "*3\r\n+foo\r\n$-1\r\n:1\r\n", """["foo","<NULL>","1"]""" },
        new object[] { "*2\r\n$1\r\na\r\n*1\r\n$2\r\n\"b\r\n", """["a",["\"b"]]""" },
        new object[] { "$4\r\na\r\nb\r\n", "a\r\nb" },
        new object[] { "_\r\n", "<NULL>" },
        new object[] { ",1.5\r\n", "1.5" },
        new object[] { "#t\r\n", "true" },
        new object[] { "!21\r\nSYNTAX invalid syntax\r\n", "-SYNTAX invalid syntax" },
        new object[] { "=15\r\ntxt:Some string\r\n", "Some string" },
        new object[] { "(3492890328409238509324850943850943825024385\r\n", "3492890328409238509324850943850943825024385" },
        new object[] { "%2\r\n+k\r\n:1\r\n$2\r\nk2\r\n~2\r\n+a\r\n#f\r\n", """{"k":"1","k2":["a","false"]}""" },
        new object[] { "|1\r\n+ttl\r\n:3\r\n+v\r\n", "v" },
        new object[] { "*1\r\n|1\r\n+a\r\n+b\r\n:7\r\n", """["7"]""" },
    ];

    [TestCaseSource(nameof(Replies))]
    public void TryParseReply_EveryType_RenderedLikePixie(string wire, string expected)
    {
        var text = new RedisText();
        var bytes = Encoding.UTF8.GetBytes(wire);

        RedisParser.TryParseReply(bytes, text, out var consumed, out var kind).Should().Be(RedisParseResult.Ok);

        consumed.Should().Be(bytes.Length);
        Encoding.UTF8.GetString(text.Span).Should().Be(expected);
        kind.Should().Be(RedisReplyKind.Reply);
    }

    [TestCaseSource(nameof(Replies))]
    public void TryParseReply_EveryStrictPrefix_NeedsMore(string wire, string expected)
    {
        _ = expected;
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var n = 0; n < bytes.Length; n++)
        {
            RedisParser.TryParseReply(bytes.AsSpan(0, n), new RedisText(), out _, out _).Should().Be(RedisParseResult.NeedMore, $"prefix of {n} bytes");
        }
    }

    [TestCase("*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n", RedisReplyKind.PubMessage)]
    [TestCase(">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$1\r\nm\r\n", RedisReplyKind.PubMessage)]
    [TestCase(">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n", RedisReplyKind.Reply)]
    [TestCase(">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nfoo\r\n", RedisReplyKind.OtherPush)]
    [TestCase("*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n", RedisReplyKind.Reply)]
    public void TryParseReply_Pushes_Classified(string wire, RedisReplyKind kind)
    {
        RedisParser.TryParseReply(Encoding.UTF8.GetBytes(wire), new RedisText(), out _, out var got).Should().Be(RedisParseResult.Ok);

        got.Should().Be(kind);
    }

    [TestCase("hello\r\n")]
    [TestCase("$abc\r\n")]
    [TestCase("$3\r\nabcd\r\n")]
    [TestCase(":12x\r\n")]
    [TestCase("#x\r\n")]
    [TestCase("*-2\r\n")]
    [TestCase("%-1\r\n")]
    public void TryParseReply_NotResp_Malformed(string wire) =>
        RedisParser.TryParseReply(Encoding.UTF8.GetBytes(wire), new RedisText(), out _, out _).Should().Be(RedisParseResult.Malformed);

    [Test]
    public void TryParseReply_NestingDeeperThanLimit_Malformed()
    {
        var deep = string.Concat(Enumerable.Repeat("*1\r\n", RedisParser.MaxDepth + 1)) + ":1\r\n";

        RedisParser.TryParseReply(Encoding.UTF8.GetBytes(deep), new RedisText(), out _, out _).Should().Be(RedisParseResult.Malformed);
    }

    [Test]
    public void TryParseReply_TextLimit_KeepsPrefixCountsFullLength()
    {
        var text = new RedisText(10);

        RedisParser.TryParseReply("$26\r\nabcdefghijklmnopqrstuvwxyz\r\n"u8, text, out _, out _).Should().Be(RedisParseResult.Ok);

        Encoding.UTF8.GetString(text.Span).Should().Be("abcdefghij");
        text.FullLength.Should().Be(26);
    }

    [TestCase("*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\nb\r\n", "SET", """{"key":"a","value":"b"}""")]
    [TestCase("*3\r\n$6\r\nclient\r\n$7\r\nsetname\r\n$2\r\nme\r\n", "CLIENT SETNAME", """{"connection-name":"me"}""")]
    [TestCase("*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$1\r\n*\r\n", "CONFIG GET", """{"parameter":["*"]}""")]
    [TestCase("*2\r\n$6\r\nCONFIG\r\n$4\r\nHELP\r\n", "CONFIG HELP", "[]")]
    [TestCase("*1\r\n$4\r\nPING\r\n", "PING", "[]")]
    [TestCase("*2\r\n$3\r\nGET\r\n$5\r\na\"b\\c\r\n", "GET", """{"key":"a\"b\\c"}""")]
    [TestCase("*2\r\n$3\r\nXYZ\r\n$1\r\n1\r\n", "XYZ", """["1"]""")]
    [TestCase("*1\r\n$3\r\nGET\r\n", "GET", "[]")]
    [TestCase("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n", "DEL", """{"key":["k"]}""")]
    [TestCase("GET  k\r\n", "GET", """{"key":"k"}""")]
    [TestCase("hset h f v\n", "HSET", """{"key":"h","field":"f","value":"v"}""")]
    public void TryParseRequest_Commands_NameAndArgsLikePixie(string wire, string cmd, string args)
    {
        var parsed = new RedisArgs();
        var bytes = Encoding.UTF8.GetBytes(wire);

        RedisParser.TryParseRequest(bytes, parsed, out var consumed).Should().Be(RedisParseResult.Ok);
        var c = new RedisText();
        var a = new RedisText();
        RedisCommands.Format(bytes, parsed, c, a, out _);

        consumed.Should().Be(bytes.Length);
        Encoding.UTF8.GetString(c.Span).Should().Be(cmd);
        Encoding.UTF8.GetString(a.Span).Should().Be(args);
    }

    [Test]
    public void TryParseRequest_SubscribeThreeChannels_ExpectsTwoExtraReplies()
    {
        var bytes = "*4\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"u8.ToArray();
        var parsed = new RedisArgs();
        RedisParser.TryParseRequest(bytes, parsed, out _).Should().Be(RedisParseResult.Ok);

        RedisCommands.Format(bytes, parsed, new RedisText(), new RedisText(), out var extra);

        extra.Should().Be(2);
    }

    [TestCase("*2\r\n*1\r\n$1\r\na\r\n$1\r\nb\r\n")]
    [TestCase("GET \u0001\r\n")]
    [TestCase("\u0016\u0003\u0001\u0002\u0000")]
    public void TryParseRequest_NotACommand_Malformed(string wire) =>
        RedisParser.TryParseRequest(Encoding.Latin1.GetBytes(wire), new RedisArgs(), out _).Should().Be(RedisParseResult.Malformed);

    [TestCase("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n", true)]
    [TestCase("*1\r\n$4\r\nping\r\n", true)]
    [TestCase("*2\r\n$6\r\nCONFIG", true)]
    [TestCase("+OK\r\n", true)]
    [TestCase(":1\r\n", true)]
    [TestCase("$5\r\nhello\r\n", true)]
    [TestCase("GET / HTTP/1.1\r\n", false)]
    [TestCase(":abc\r\n", false)]
    [TestCase("\u0012\u0034\u0001\u0000\u0000\u0001", false)]
    public void LooksLikeRedis_FirstBytes(string wire, bool expected) =>
        RedisParser.LooksLikeRedis(Encoding.Latin1.GetBytes(wire)).Should().Be(expected);

    [TestCase("*1\r\n$4\r\nXXXX\r\n", false)]
    [TestCase("*1\r\n$4\r\nPING\r\n", true)]
    [TestCase("*2\r\n$3\r\nGE", false)]
    [TestCase("+OK\r\n", false)]
    public void LooksLikeRequest_OnlyKnownCommands(string wire, bool expected) =>
        RedisParser.LooksLikeRequest(Encoding.Latin1.GetBytes(wire)).Should().Be(expected);

    [Test]
    public void TryParse_RecordedCorpus_EveryMessageParsesAndRepliesMatchCommands()
    {
        var corpus = RedisTestSupport.LoadCorpus();
        corpus.Should().NotBeEmpty();
        var args = new RedisArgs();
        var text = new RedisText();
        foreach (var (requests, replies) in corpus)
        {
            var commands = 0;
            ReadOnlySpan<byte> b = requests;
            while (!b.IsEmpty)
            {
                RedisParser.TryParseRequest(b, args, out var n).Should().Be(RedisParseResult.Ok);
                RedisParser.LooksLikeRequest(b).Should().BeTrue();
                commands++;
                b = b[n..];
            }

            var answers = 0;
            b = replies;
            while (!b.IsEmpty)
            {
                RedisParser.TryParseReply(b, text, out var n, out var kind).Should().Be(RedisParseResult.Ok);
                answers += kind == RedisReplyKind.Reply ? 1 : 0;
                b = b[n..];
            }

            // SUBSCRIBE a b answers twice; every other command once.
            answers.Should().BeGreaterThanOrEqualTo(commands);
        }
    }
}
