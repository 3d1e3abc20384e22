using System.Buffers;
using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Http;

namespace PixieHost.Tests.Pem.Protocols.Http;

[TestFixture]
public class HttpParserTests
{
    private const string CurlGet = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

    [Test]
    public void ParseHead_CurlRequest_ReadsStartLineAndHeaders()
    {
        var frame = new HttpFrame();

        var status = HttpParser.ParseHead(Bytes(CurlGet), HttpMessageKind.Request, frame, out var consumed);

        status.Should().Be(OperationStatus.Done);
        consumed.Should().Be(CurlGet.Length);
        frame.Method.Should().Be("GET");
        frame.Path.Should().Be("/index.html?q=1");
        frame.MinorVersion.Should().Be(1);
        frame.Headers.Should().Equal(
            new KeyValuePair<string, string>("Host", "example.com"),
            new KeyValuePair<string, string>("User-Agent", "curl/7.88.1"),
            new KeyValuePair<string, string>("Accept", "*/*"));
    }

    [Test]
    public void ParseHead_EveryPrefixOfRequest_NeedsMoreData()
    {
        var bytes = Bytes(CurlGet);
        for (var n = 0; n < bytes.Length; n++)
        {
            HttpParser.ParseHead(bytes.AsSpan(0, n), HttpMessageKind.Request, new HttpFrame(), out _)
                .Should().Be(OperationStatus.NeedMoreData, $"prefix of {n} bytes");
        }
    }

    [Test]
    public void ParseHead_StatusLine_ReadsStatusMessageAndFraming()
    {
        const string resp = "HTTP/1.0 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 12\r\nConnection: close\r\n\r\n";
        var frame = new HttpFrame();

        HttpParser.ParseHead(Bytes(resp), HttpMessageKind.Response, frame, out var consumed).Should().Be(OperationStatus.Done);

        consumed.Should().Be(resp.Length);
        frame.Status.Should().Be(404);
        frame.Message.Should().Be("Not Found");
        frame.MinorVersion.Should().Be(0);
        frame.ContentLength.Should().Be(12);
        frame.ConnectionClose.Should().BeTrue();
        frame.ContentTypeIsText.Should().BeTrue();
        frame.ContentTypeIsJson.Should().BeFalse();
    }

    [Test]
    public void ParseHead_StatusLineWithoutReason_ParsesEmptyMessage()
    {
        var frame = new HttpFrame();

        HttpParser.ParseHead(Bytes("HTTP/1.1 204\r\n\r\n"), HttpMessageKind.Response, frame, out _).Should().Be(OperationStatus.Done);

        frame.Status.Should().Be(204);
        frame.Message.Should().BeEmpty();
    }

    [TestCase("\x16\x03\x01\x02\x00\x01")]
    [TestCase("FOO / HTTP/1.1\r\n\r\n")]
    [TestCase("GET /path\r\n\r\n")]
    [TestCase("GET / HTTP/1.1\r\nNo colon here\r\n\r\n")]
    [TestCase("GET / HTTP/1.1\r\nContent-Length: ten\r\n\r\n")]
    [TestCase("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n")]
    [TestCase("GET / HTTP/1.1\r\n: empty-name\r\n\r\n")]
    [TestCase("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")]
    public void ParseHead_Malformed_InvalidData(string text)
    {
        HttpParser.ParseHead(Bytes(text), HttpMessageKind.Request, new HttpFrame(), out _).Should().Be(OperationStatus.InvalidData);
    }

    [Test]
    public void ParseHead_ResponseGarbage_InvalidAtFirstBytes()
    {
        HttpParser.ParseHead(Bytes("HTTX"), HttpMessageKind.Response, new HttpFrame(), out _).Should().Be(OperationStatus.InvalidData);
    }

    [Test]
    public void ParseHead_HeadersOver8KiB_InvalidData()
    {
        var big = "GET / HTTP/1.1\r\nX-Big: " + new string('a', HttpParser.MaxHeadBytes) + "\r\n\r\n";

        HttpParser.ParseHead(Bytes(big), HttpMessageKind.Request, new HttpFrame(), out _).Should().Be(OperationStatus.InvalidData);
        HttpParser.ParseHead(Bytes(big[..(HttpParser.MaxHeadBytes + 10)]), HttpMessageKind.Request, new HttpFrame(), out _)
            .Should().Be(OperationStatus.InvalidData, "no end of headers within the cap");
    }

    [Test]
    public void ParseBody_ContentLengthOverLimit_KeepsLimitCountsAll()
    {
        var frame = Head("POST /up HTTP/1.1\r\nContent-Length: 3000\r\n\r\n", HttpMessageKind.Request);
        var state = HttpParser.BeginBody(frame, false);
        var body = Bytes(new string('x', 2000) + new string('y', 1000) + "GET ");

        var status = HttpParser.ParseBody(ref state, body, frame, out var consumed);

        status.Should().Be(OperationStatus.Done);
        consumed.Should().Be(3000);
        frame.BodySize.Should().Be(3000);
        frame.Body.Should().Be(new string('x', HttpFrame.BodyLimit));
    }

    [Test]
    public void ParseBody_ChunkedWithExtensionsAndTrailers_DecodesData()
    {
        var frame = Head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HttpMessageKind.Response);
        var state = HttpParser.BeginBody(frame, false);
        const string wire = "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\nHTTP/1.1";

        var status = HttpParser.ParseBody(ref state, Bytes(wire), frame, out var consumed);

        status.Should().Be(OperationStatus.Done);
        consumed.Should().Be(wire.Length - "HTTP/1.1".Length);
        frame.Body.Should().Be("hello, world");
        frame.BodySize.Should().Be(12);
    }

    [Test]
    public void ParseBody_ChunkedFedByteByByte_SameAsWhole()
    {
        var frame = Head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HttpMessageKind.Response);
        var state = HttpParser.BeginBody(frame, false);
        var wire = Bytes("a\r\n0123456789\r\n3\r\nabc\r\n0\r\n\r\n");
        var pending = new List<byte>();
        var status = OperationStatus.NeedMoreData;

        foreach (var b in wire)
        {
            pending.Add(b);
            status = HttpParser.ParseBody(ref state, pending.ToArray(), frame, out var consumed);
            pending.RemoveRange(0, consumed);
        }

        status.Should().Be(OperationStatus.Done);
        pending.Should().BeEmpty();
        frame.Body.Should().Be("0123456789abc");
    }

    [Test]
    public void ParseBody_BadChunkSize_InvalidData()
    {
        var frame = Head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HttpMessageKind.Response);
        var state = HttpParser.BeginBody(frame, false);

        HttpParser.ParseBody(ref state, Bytes("zz\r\nhello\r\n"), frame, out _).Should().Be(OperationStatus.InvalidData);
    }

    [TestCase(100, false, HttpBodyMode.None)]
    [TestCase(204, false, HttpBodyMode.None)]
    [TestCase(304, false, HttpBodyMode.None)]
    [TestCase(200, true, HttpBodyMode.None)]
    [TestCase(200, false, HttpBodyMode.ContentLength)]
    public void BeginBody_ResponseWithContentLength_BodyOnlyWhenAllowed(int status, bool answersHead, HttpBodyMode expected)
    {
        var frame = Head($"HTTP/1.1 {status} X\r\nContent-Length: 10\r\n\r\n", HttpMessageKind.Response);

        HttpParser.BeginBody(frame, answersHead).Mode.Should().Be(expected);
    }

    [Test]
    public void BeginBody_ResponseWithoutLength_ReadsUntilClose()
    {
        var frame = Head("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n", HttpMessageKind.Response);

        HttpParser.BeginBody(frame, false).Mode.Should().Be(HttpBodyMode.UntilClose);
        HttpParser.BeginBody(Head("GET / HTTP/1.0\r\n\r\n", HttpMessageKind.Request), false).Mode.Should().Be(HttpBodyMode.None);
    }

    [Test]
    public void AbsorbGap_InsideContentLengthBody_CountsLostBytes()
    {
        var frame = Head("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n", HttpMessageKind.Request);
        var state = HttpParser.BeginBody(frame, false);
        HttpParser.ParseBody(ref state, Bytes(new string('a', 10)), frame, out _);

        var absorbed = HttpParser.AbsorbGap(ref state, frame, 500);

        absorbed.Should().Be(90);
        state.IsComplete.Should().BeTrue();
        frame.BodySize.Should().Be(100);
    }

    [Test]
    public void AbsorbGap_InChunkSizeLine_CannotCross()
    {
        var frame = Head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HttpMessageKind.Response);
        var state = HttpParser.BeginBody(frame, false);

        HttpParser.AbsorbGap(ref state, frame, 10).Should().Be(0);
    }

    [TestCase("{\"a\":1}GET /next HTTP/1.1\r\n", HttpMessageKind.Request, 7)]
    [TestCase("xx GETTY GET / HTTP/1.1\r\n", HttpMessageKind.Request, 9)]
    [TestCase("body bytes HTTP/1.1 200 OK\r\n", HttpMessageKind.Response, 11)]
    [TestCase("nothing here", HttpMessageKind.Request, -1)]
    [TestCase("tail GE", HttpMessageKind.Request, 5)]
    public void FindMessageStart_BytesBeforeMessage_FindsStart(string text, HttpMessageKind kind, int expected)
    {
        HttpParser.FindMessageStart(Bytes(text), kind).Should().Be(expected);
    }

    [TestCase("junk GET / HTTP/1.1\r\n", true, HttpMessageKind.Request)]
    [TestCase("HTTP/1.1 200 OK\r\n", true, HttpMessageKind.Response)]
    [TestCase("GET / HTT", false, HttpMessageKind.Request)]
    public void TryClassify_StartLine_TellsKind(string text, bool found, HttpMessageKind kind)
    {
        HttpParser.TryClassify(Bytes(text), out var k).Should().Be(found);
        if (found)
        {
            k.Should().Be(kind);
        }
    }

    private static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    private static HttpFrame Head(string head, HttpMessageKind kind)
    {
        var frame = new HttpFrame();
        HttpParser.ParseHead(Bytes(head), kind, frame, out _).Should().Be(OperationStatus.Done);
        return frame;
    }
}
