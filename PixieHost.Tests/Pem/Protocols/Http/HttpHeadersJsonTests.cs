using System.Buffers;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Http;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pem.Protocols.Http;

[TestFixture]
public class HttpHeadersJsonTests
{
    [Test]
    public void Write_RepeatedHeader_ArrayInArrivalOrderKeysSorted()
    {
        var json = Write("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nDate: today\r\nSet-Cookie: b=2\r\nAge: 3\r\n\r\n");

        json.Should().Be("{\"Age\":\"3\",\"Date\":\"today\",\"Set-Cookie\":[\"a=1\",\"b=2\"]}");
    }

    [Test]
    public void Write_QuotesBackslashesAndTabs_EscapedValidJson()
    {
        var json = Write("HTTP/1.1 200 OK\r\nX-Q: say \"hi\"\\\tnow\r\n\r\n");

        json.Should().Be("{\"X-Q\":\"say \\\"hi\\\"\\\\\\u0009now\"}");
        JsonDocument.Parse(json).RootElement.GetProperty("X-Q").GetString().Should().Be("say \"hi\"\\\tnow");
    }

    [Test]
    public void Write_BareLineFeedInValue_Escaped()
    {
        var json = Write("HTTP/1.1 200 OK\r\nX-A: one\ntwo\r\nB: c\r\n\r\n");

        json.Should().Be("{\"B\":\"c\",\"X-A\":\"one\\u000atwo\"}");
    }

    [Test]
    public void Write_OverLimit_CutAndMarked()
    {
        var json = Write("HTTP/1.1 200 OK\r\nX-Long: " + new string('v', 300) + "\r\n\r\n", maxBytes: 64);

        json.Should().HaveLength(64 + "... [TRUNCATED]".Length);
        json.Should().StartWith("{\"X-Long\":\"vvv").And.EndWith("... [TRUNCATED]");
    }

    [Test]
    public void Write_NamesSharingLongPrefix_SortedByFullName()
    {
        var json = Write("HTTP/1.1 200 OK\r\nX-Request-Id: 2\r\nX-Request-Group: 1\r\nX-Request: 0\r\n\r\n");

        json.Should().Be("{\"X-Request\":\"0\",\"X-Request-Group\":\"1\",\"X-Request-Id\":\"2\"}");
    }

    private static string Write(string head, int maxBytes = 1024)
    {
        var frame = new HttpFrame();
        HttpParser.ParseHead(Encoding.ASCII.GetBytes(head), HttpMessageKind.Response, frame, out _).Should().Be(OperationStatus.Done);
        var col = new StringColumnBuilder();
        HttpHeadersJson.Write(col, frame, maxBytes);
        return col.Build().GetString(0);
    }
}
