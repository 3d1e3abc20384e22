using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Http2;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>Framing on the recorded corpus (real Kestrel and real clients) and on hand-made frames.</summary>
[TestFixture]
public class Http2ParserTests
{
    [TestCase("kestrel-http.h2")]
    [TestCase("grpc.h2")]
    public void TryReadFrame_RecordedStreams_EveryFrameParsesToTheEnd(string corpus)
    {
        var chunks = Http2Corpus.Load(corpus);
        var client = Http2Corpus.Stream(chunks, fromClient: true);
        var server = Http2Corpus.Stream(chunks, fromClient: false);

        client.AsSpan().StartsWith(Http2Parser.Preface).Should().BeTrue();
        var clientTypes = Frames(client.AsSpan(Http2Parser.Preface.Length), out var clientEnd);
        var serverTypes = Frames(server, out var serverEnd);

        clientEnd.Should().Be(client.Length - Http2Parser.Preface.Length);
        serverEnd.Should().Be(server.Length);
        clientTypes[0].Should().Be(Http2FrameType.Settings);
        serverTypes[0].Should().Be(Http2FrameType.Settings);
        clientTypes.Should().Contain([Http2FrameType.Headers, Http2FrameType.WindowUpdate]);
        serverTypes.Should().Contain([Http2FrameType.Headers, Http2FrameType.Data]);
    }

    [Test]
    public void TryReadFrame_EveryPrefixOfAFrame_NeedsMoreAndConsumesNothing()
    {
        var frame = Http2Frames.Frame(Http2FrameType.Data, Http2Flags.EndStream, 1, "hello"u8);

        for (var n = 0; n < frame.Length; n++)
        {
            Http2Parser.TryReadFrame(frame.AsSpan(0, n), out _, out _, out var consumed).Should().BeFalse();
            consumed.Should().Be(0);
        }

        Http2Parser.TryReadFrame(frame, out var h, out var payload, out var all).Should().BeTrue();
        (h.Type, h.StreamId, h.EndStream, all).Should().Be((Http2FrameType.Data, 1, true, frame.Length));
        Encoding.ASCII.GetString(payload).Should().Be("hello");
    }

    [Test]
    public void TryGetContent_PaddedHeadersWithPriority_OnlyTheBlock()
    {
        byte[] payload = [3, 0, 0, 0, 0, 16, 0x82, 0x84, 0, 0, 0];
        var h = new Http2FrameHeader(payload.Length, Http2FrameType.Headers, Http2Flags.Padded | Http2Flags.Priority | Http2Flags.EndHeaders, 1);

        Http2Parser.TryGetContent(h, payload, out var block, out _).Should().BeTrue();

        block.ToArray().Should().Equal(0x82, 0x84);
    }

    [Test]
    public void TryGetContent_PaddingLongerThanPayload_False()
    {
        var h = new Http2FrameHeader(3, Http2FrameType.Data, Http2Flags.Padded, 1);

        Http2Parser.TryGetContent(h, [200, 1, 2], out _, out _).Should().BeFalse();
    }

    [Test]
    public void LooksLikeHttp2_PrefaceServerSettingsAndOtherProtocols()
    {
        var chunks = Http2Corpus.Load("kestrel-http.h2");

        Http2Parser.LooksLikeHttp2(Http2Parser.Preface).Should().BeTrue();
        Http2Parser.LooksLikeHttp2("PRI "u8).Should().BeTrue();
        Http2Parser.LooksLikeHttp2(Http2Corpus.Stream(chunks, fromClient: false)).Should().BeTrue();
        Http2Parser.LooksLikeHttp2("GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8).Should().BeFalse();
        Http2Parser.LooksLikeHttp2("HTTP/1.1 200 OK\r\n"u8).Should().BeFalse();
        Http2Parser.LooksLikeHttp2("*1\r\n$4\r\nPING\r\n"u8).Should().BeFalse();
        Http2Parser.LooksLikeHttp2([]).Should().BeFalse();
    }

    [Test]
    public void FindFrameBoundary_FromInsideFrames_ConfirmedOnesAreRealBoundaries()
    {
        var server = Http2Corpus.Stream(Http2Corpus.Load("kestrel-http.h2"), fromClient: false);
        var boundaries = new HashSet<int>();
        for (var pos = 0; Http2Parser.TryReadFrame(server.AsSpan(pos), out _, out _, out var n); pos += n)
        {
            boundaries.Add(pos);
        }

        var wrong = 0;
        for (var start = 0; start < server.Length - 9; start++)
        {
            var off = Http2Parser.FindFrameBoundary(server.AsSpan(start), out var confirmed);
            if (off >= 0 && confirmed && !boundaries.Contains(start + off))
            {
                wrong++;
            }
        }

        wrong.Should().Be(0);
    }

    [Test]
    public void InferRole_PrefaceOrFirstRequestHeaders_TellTheClient()
    {
        var chunks = Http2Corpus.Load("kestrel-http.h2");
        var client = Http2Corpus.Stream(chunks, fromClient: true);
        var server = Http2Corpus.Stream(chunks, fromClient: false);

        Http2RoleInference.Infer(client, server).Should().Be(TraceRole.Client);
        Http2RoleInference.Infer(server, client).Should().Be(TraceRole.Server);
        var requestHeaders = Http2Frames.Frame(Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, 7, [0x82, 0x86, 0x84]);
        var responseHeaders = Http2Frames.Frame(Http2FrameType.Headers, Http2Flags.EndHeaders, 7, [0x88]);
        Http2RoleInference.Infer(requestHeaders, []).Should().Be(TraceRole.Client);
        Http2RoleInference.Infer(responseHeaders, []).Should().Be(TraceRole.Server);
        Http2RoleInference.Infer([], requestHeaders).Should().Be(TraceRole.Server);
        Http2RoleInference.Infer([], []).Should().Be(TraceRole.Unknown);
    }

    private static List<Http2FrameType> Frames(ReadOnlySpan<byte> buf, out int end)
    {
        var types = new List<Http2FrameType>();
        end = 0;
        while (Http2Parser.TryReadFrame(buf[end..], out var h, out _, out var n))
        {
            Http2Parser.IsPlausible(h, Http2Parser.MaxFrameLength).Should().BeTrue();
            types.Add(h.Type);
            end += n;
        }

        return types;
    }
}

/// <summary>The committed corpus replayed through the handler: the rows it must give.</summary>
[TestFixture]
public class Http2CorpusReplayTests
{
    [TestCase("kestrel-http.h2", 23)]
    [TestCase("grpc.h2", 3)]
    public void Replay_Corpus_OneRowPerStream(string corpus, int streams)
    {
        var rows = Http2Replay.Rows(Http2Corpus.Load(corpus), TraceRole.Server, out var handler);

        rows.Should().HaveCount(streams);
        handler.Stats.ParseErrors.Should().Be(0);
        handler.Stats.BytesSkipped.Should().Be(0);
        rows.Should().OnlyContain(r => (long)r["major_version"]! == 2 && (long)r["latency"]! > 0);
    }
}
