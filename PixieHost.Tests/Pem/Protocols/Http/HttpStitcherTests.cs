using System.Buffers;
using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Http;

namespace PixieHost.Tests.Pem.Protocols.Http;

[TestFixture]
public class HttpStitcherTests
{
    private readonly HttpFramePool _pool = new();
    private HttpStats _stats = null!;
    private HttpStitcher _stitcher = null!;

    [SetUp]
    public void SetUp()
    {
        _stats = new HttpStats();
        _stitcher = new HttpStitcher();
    }

    [Test]
    public void TryTakePair_PipelinedRequests_PairsInOrder()
    {
        _stitcher.AddRequest(Request("GET /a", 10), _pool, _stats);
        _stitcher.AddRequest(Request("GET /b", 11), _pool, _stats);
        _stitcher.AddRequest(Request("GET /c", 12), _pool, _stats);
        _stitcher.AddResponse(Response(200, 20), _pool, _stats);
        _stitcher.AddResponse(Response(404, 21), _pool, _stats);
        _stitcher.AddResponse(Response(500, 22), _pool, _stats);

        var pairs = TakeAll();

        pairs.Should().Equal(("/a", 200), ("/b", 404), ("/c", 500));
        _stitcher.PendingRequests.Should().Be(0);
    }

    [Test]
    public void AddResponse_100Continue_DoesNotConsumeRequest()
    {
        _stitcher.AddRequest(Request("POST /upload", 10), _pool, _stats);
        _stitcher.AddResponse(Response(100, 11), _pool, _stats);
        TakeAll().Should().BeEmpty();

        _stitcher.AddResponse(Response(201, 30), _pool, _stats);

        TakeAll().Should().Equal(("/upload", 201));
        _stats.InformationalResponses.Should().Be(1);
    }

    [Test]
    public void TryTakePair_ResponseOlderThanRequest_DroppedAsUnmatched()
    {
        _stitcher.AddResponse(Response(200, 5), _pool, _stats);
        _stitcher.AddRequest(Request("GET /later", 10), _pool, _stats);
        _stitcher.AddResponse(Response(204, 15), _pool, _stats);

        TakeAll().Should().Equal(("/later", 204));
        _stats.UnmatchedResponses.Should().Be(1);
    }

    [Test]
    public void Expire_OldRequests_DroppedAndCounted()
    {
        _stitcher.AddRequest(Request("GET /old", 10), _pool, _stats);
        _stitcher.AddRequest(Request("GET /new", 100), _pool, _stats);

        _stitcher.Expire(50, _pool, _stats);

        _stats.ExpiredRequests.Should().Be(1);
        _stitcher.AddResponse(Response(200, 120), _pool, _stats);
        TakeAll().Should().Equal(("/new", 200));
    }

    [Test]
    public void Clear_PendingRequests_CountedUnanswered()
    {
        _stitcher.AddRequest(Request("GET /x", 10), _pool, _stats);

        _stitcher.Clear(_pool, _stats);

        _stats.UnansweredRequests.Should().Be(1);
        _stitcher.PendingRequests.Should().Be(0);
    }

    [Test]
    public void NextResponseAnswersHead_HeadRequestPending_True()
    {
        _stitcher.AddRequest(Request("GET /a", 1), _pool, _stats);
        _stitcher.AddRequest(Request("HEAD /b", 2), _pool, _stats);
        _stitcher.NextResponseAnswersHead.Should().BeFalse();

        _stitcher.AddResponse(Response(200, 3), _pool, _stats);
        _stitcher.NextResponseAnswersHead.Should().BeTrue("the second response answers the HEAD");
        TakeAll();
        _stitcher.NextResponseAnswersHead.Should().BeTrue();
    }

    private List<(string Path, int Status)> TakeAll()
    {
        var list = new List<(string, int)>();
        while (_stitcher.TryTakePair(_pool, _stats, out var req, out var resp))
        {
            list.Add((req.Path, resp.Status));
        }

        return list;
    }

    private static HttpFrame Request(string line, ulong ts)
    {
        var f = new HttpFrame();
        HttpParser.ParseHead(Encoding.ASCII.GetBytes(line + " HTTP/1.1\r\n\r\n"), HttpMessageKind.Request, f, out _).Should().Be(OperationStatus.Done);
        f.TimestampNs = ts;
        return f;
    }

    private static HttpFrame Response(int status, ulong ts)
    {
        var f = new HttpFrame();
        HttpParser.ParseHead(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\n\r\n"), HttpMessageKind.Response, f, out _).Should().Be(OperationStatus.Done);
        f.TimestampNs = ts;
        return f;
    }
}
