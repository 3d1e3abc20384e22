using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Http2;
using static PixieHost.Tests.Pem.Protocols.Http2.Http2Frames;

namespace PixieHost.Tests.Pem.Protocols.Http2;

[TestFixture]
public class Http2StitcherTests
{
    private ProtocolStats _stats = null!;
    private Http2Stitcher _s = null!;

    [SetUp]
    public void SetUp()
    {
        _stats = new ProtocolStats();
        _s = new Http2Stitcher(_stats) { PrefaceSeen = true };
    }

    [Test]
    public void OnFrame_HeadersAndContinuationThenDataAndTrailers_OneStreamWithMergedHeaders()
    {
        var block = Block(false, (":method", "POST"), (":path", "/px.api/Run"), ("content-type", "application/grpc"));
        Send(true, Http2FrameType.Headers, 0, 1, block[..5], 10);
        Send(true, Http2FrameType.Continuation, Http2Flags.EndHeaders, 1, block[5..], 11);
        Send(true, Http2FrameType.Data, Http2Flags.EndStream, 1, Grpc(0x08, 0x01), 12);
        Send(false, Http2FrameType.Headers, Http2Flags.EndHeaders, 1, Block(false, (":status", "200")), 20);
        Send(false, Http2FrameType.Data, 0, 1, Grpc(0x08, 0x02), 21);
        _s.Completed.Should().BeEmpty();
        Send(false, Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, 1, Block(false, ("grpc-status", "0")), 30);

        var done = _s.Completed.Should().ContainSingle().Subject;
        Text(done.Request.Headers, ":path").Should().Be("/px.api/Run");
        Text(done.Response.Headers, ":status").Should().Be("200");
        Text(done.Response.Headers, "grpc-status").Should().Be("0");
        done.Request.FirstTimestampNs.Should().Be(10);
        done.Response.LastTimestampNs.Should().Be(30);
        done.Response.BodySize.Should().Be(7);
    }

    [Test]
    public void OnFrame_InterleavedStreams_PairedByStreamId()
    {
        for (var id = 1; id <= 9; id += 2)
        {
            Send(true, Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, id, Block(false, (":method", "GET"), (":path", $"/{id}")), (ulong)id);
        }

        for (var id = 9; id >= 1; id -= 2)
        {
            Send(false, Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, id, Block(false, (":status", $"{200 + id}")), 100);
        }

        _s.Completed.Select(c => (Text(c.Request.Headers, ":path"), Text(c.Response.Headers, ":status")))
            .Should().Equal(("/9", "209"), ("/7", "207"), ("/5", "205"), ("/3", "203"), ("/1", "201"));
        _s.OpenStreams.Should().Be(0);
    }

    [Test]
    public void OnFrame_RstStream_CompletesWithoutResponse()
    {
        Send(true, Http2FrameType.Headers, Http2Flags.EndHeaders, 3, Block(false, (":method", "GET")), 1);
        Send(false, Http2FrameType.RstStream, 0, 3, [0, 0, 0, 8], 2);

        var done = _s.Completed.Should().ContainSingle().Subject;
        done.WasReset.Should().BeTrue();
        done.Response.Headers.Count.Should().Be(0);
    }

    [Test]
    public void OnFrame_InformationalResponse_DroppedBeforeFinal()
    {
        Send(true, Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, 1, Block(false, (":method", "PUT")), 1);
        Send(false, Http2FrameType.Headers, Http2Flags.EndHeaders, 1, Block(false, (":status", "100")), 2);
        Send(false, Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, 1, Block(false, (":status", "201")), 3);

        Text(_s.Completed.Single().Response.Headers, ":status").Should().Be("201");
        _s.Completed.Single().Response.Headers.Count.Should().Be(1);
    }

    [Test]
    public void OnFrame_FrameBetweenHeadersAndContinuation_BlockLostAndCounted()
    {
        var block = Block(true, (":method", "GET"), ("x-a", "1"));
        Send(true, Http2FrameType.Headers, 0, 1, block[..3], 1);
        Send(true, Http2FrameType.Ping, 0, 0, new byte[8], 2);
        Send(true, Http2FrameType.Continuation, Http2Flags.EndHeaders, 1, block[3..], 3);

        _stats.ParseErrors.Should().Be(2);
        _s.Client.Midway.Should().BeTrue("the lost block may have inserted table entries");
    }

    [Test]
    public void OnFrame_MoreOpenStreamsThanTheBound_OldestDroppedAndCounted()
    {
        var n = Http2Stitcher.MaxOpenStreams + 100;
        for (var i = 0; i < n; i++)
        {
            Send(true, Http2FrameType.Headers, Http2Flags.EndHeaders, (2 * i) + 1, Block(false, (":method", "GET")), (ulong)i);
        }

        _s.OpenStreams.Should().Be(Http2Stitcher.MaxOpenStreams);
        _stats.ExpiredMessages.Should().Be(100);
        _s.Expire(olderThanNs: (ulong)n).Should().Be(Http2Stitcher.MaxOpenStreams);
    }

    [Test]
    public void OnFrame_ResponseForStreamNeverRequested_CountedUnmatched()
    {
        Send(false, Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, 5, Block(false, (":status", "200")), 1);

        _stats.UnmatchedResponses.Should().Be(1);
        _s.Completed.Should().BeEmpty();
    }

    private void Send(bool fromClient, Http2FrameType type, byte flags, int stream, byte[] payload, ulong ts)
    {
        var f = Frame(type, flags, stream, payload);
        Http2Parser.TryReadFrame(f, out var h, out var p, out _).Should().BeTrue();
        _s.OnFrame(h, p, fromClient, ts);
    }

    private static string? Text(Http2Headers h, string name) =>
        h.TryGet(Encoding.ASCII.GetBytes(name), out var v) ? Encoding.UTF8.GetString(v) : null;
}

[TestFixture]
public class GrpcBodyTextTests
{
    [Test]
    public void Render_NestedFixedAndStringFields_ProtobufText()
    {
        // 1: 150, 2 { 1: "hi" }, 3: fixed32, 4: "text", 5: fixed64
        byte[] msg = [0x08, 0x96, 0x01, 0x12, 0x04, 0x0a, 0x02, 0x68, 0x69, 0x1d, 1, 0, 0, 0, 0x22, 0x04, 0x74, 0x65, 0x78, 0x74, 0x29, 2, 0, 0, 0, 0, 0, 0, 0];

        Render(Grpc(msg)).Should().Be("1: 150 2 { 1: \"hi\" } 3: 0x00000001 4: \"text\" 5: 0x0000000000000002");
    }

    [Test]
    public void Render_TwoMessagesCompressedAndGarbage_EachShown()
    {
        byte[] compressed = [1, 0, 0, 0, 3, 9, 9, 9];

        Render([.. Grpc(0x08, 0x01), .. compressed, .. Grpc(0xff, 0xff)])
            .Should().Be("1: 1\n<compressed gRPC message, 3 bytes>\n<Failed to parse protobuf>");
    }

    [Test]
    public void Render_MessageCutByBodyLimit_WholeFieldsThenMarker()
    {
        byte[] full = Grpc(0x08, 0x01, 0x12, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f);

        Render(full[..10]).Should().Be("1: 1... [TRUNCATED]");
    }

    private static string Render(byte[] body)
    {
        var dst = new byte[4096];
        var n = GrpcBodyText.Render(body, dst);
        return Encoding.UTF8.GetString(dst, 0, n);
    }
}

/// <summary>The handler behind the socket tracer, on hand-made connections.</summary>
[TestFixture]
public class Http2HandlerOrderTests
{
    [Test]
    public void Process_ThousandSequentialStreamsInOneBatch_AllRecordedNoneDropped()
    {
        var store = new Modules.TableStore.TableStore();
        var handler = new Http2Handler();
        using var tracer = new Modules.Pem.SocketTracer.SocketTracer(new Modules.Pem.SocketTracer.SocketTracerOptions { Asid = 3 }, store,
            new Support.FakeTracerEnvironment(), [handler]);
        var b = new Support.SocketEventBuilder(tracer) { Protocol = TrafficProtocol.Http2 };
        b.Open(TraceRole.Server);
        b.Data(TrafficDirection.Recv, [.. Http2Parser.Preface, .. Frame(Http2FrameType.Settings, 0, 0, [])]);
        b.Data(TrafficDirection.Send, Frame(Http2FrameType.Settings, 0, 0, []));
        for (var i = 0; i < 1000; i++)
        {
            var id = (2 * i) + 1;
            b.Data(TrafficDirection.Recv, Frame(Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, id, [0x82, .. Block(false, (":path", $"/{i}"))]));
            b.Data(TrafficDirection.Send, Frame(Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, id, [0x88]));
        }

        b.EndBatch();
        tracer.Flush();

        var rows = Support.TableRows.Read(store.Find("http_events"));
        rows.Should().HaveCount(1000, "each response closes its stream before the next request opens one");
        handler.Stats.ExpiredMessages.Should().Be(0);
        rows[999]["req_path"].Should().Be("/999");
        rows[999]["resp_status"].Should().Be(200L);
    }
}
