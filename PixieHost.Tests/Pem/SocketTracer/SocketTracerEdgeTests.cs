using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.SocketTracer;

public partial class SocketTracerTests
{
    [Test]
    public void OnBatchEnd_RequestWithoutResponseThenClose_NoRowCountedUnanswered()
    {
        _conn.Open().Recv(CurlGet).EndBatch().Close().EndBatch();

        Rows().Should().BeEmpty();
        _tracer.GetStats().UnansweredRequests.Should().Be(1);
    }

    [Test]
    public void Flush_RequestOlderThanExpiry_DroppedAndCounted()
    {
        _conn.Open().Recv(CurlGet).EndBatch();
        _env.NowNs = (long)_conn.Now + 61_000_000_000L;

        _tracer.Flush();
        _conn.At((ulong)_env.NowNs).Send(NginxOk).EndBatch();

        Rows().Should().BeEmpty();
        var stats = _tracer.GetStats();
        stats.ExpiredRequests.Should().Be(1);
        stats.UnmatchedResponses.Should().Be(0, "the response waits for a request until it expires itself");
    }

    [Test]
    public void OnBatchEnd_ResponseByteByByte_SameRow()
    {
        _conn.Open().Recv(CurlGet).EndBatch();
        foreach (var ch in Response(200, "{\"a\":\"b\"}", "application/json"))
        {
            _conn.Send(ch.ToString()).EndBatch();
        }

        var r = Rows().Single();
        r["resp_body"].Should().Be("{\"a\":\"b\"}");
        r["resp_headers"].Should().Be("{\"Content-Length\":\"9\",\"Content-Type\":\"application/json\"}");
    }

    [Test]
    public void OnBatchEnd_ConnectionMetInsideBody_FirstFullRequestRecorded()
    {
        _conn.Open(TraceRole.Server)
            .StartAt(TrafficDirection.Recv, 70_000).StartAt(TrafficDirection.Send, 90_000)
            .Recv("lue\",\"n\":3}\n").Send("ength: 2\r\n\r\nok").EndBatch()
            .Recv("GET /after HTTP/1.1\r\nHost: h\r\n\r\n").Send(Response(202, "later"))
            .EndBatch();

        var r = Rows().Single();
        r["req_path"].Should().Be("/after");
        r["resp_status"].Should().Be(202L);
        _tracer.GetStats().BytesSkipped.Should().BeGreaterThan(0);
    }

    [Test]
    public void OnBatchEnd_GarbageThenRequest_CountedAndRecovered()
    {
        _conn.Open().Recv("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03garbage").EndBatch();
        _conn.Recv(CurlGet).Send(NginxOk).EndBatch();

        Rows().Should().ContainSingle().Which["req_path"].Should().Be("/a");
        var stats = _tracer.GetStats();
        stats.ParseErrors.Should().BeGreaterThan(0);
        stats.BytesSkipped.Should().BeGreaterThan(0);
    }

    [Test]
    public void OnData_RandomBytesInRandomChunks_NeverThrows()
    {
        var rng = new Random(1234);
        for (var conn = 0; conn < 50; conn++)
        {
            var b = new SocketEventBuilder(_tracer, fd: conn).Open(conn % 2 == 0 ? TraceRole.Server : TraceRole.Unknown);
            for (var i = 0; i < 40; i++)
            {
                var data = new byte[rng.Next(1, 600)];
                rng.NextBytes(data);
                if (rng.Next(4) == 0)
                {
                    // Splice in HTTP-looking text so the parser gets deep into heads and bodies.
                    var text = System.Text.Encoding.ASCII.GetBytes(rng.Next(2) == 0 ? "GET / HTTP/1.1\r\nContent-Length: 7\r\n\r\n" : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n");
                    data = [.. text, .. data];
                }

                var dir = rng.Next(2) == 0 ? TrafficDirection.Send : TrafficDirection.Recv;
                b.Data(dir, data, rng.Next(3) == 0 ? rng.Next(data.Length) : null);
                if (rng.Next(5) == 0)
                {
                    b.Lose(dir, (ulong)rng.Next(1, 100));
                }

                b.EndBatch();
            }

            b.Close().EndBatch();
        }

        var act = () => _tracer.Flush();
        act.Should().NotThrow();
        _tracer.GetStats().ParseErrors.Should().BeGreaterThan(0);
        _tracer.GetStats().InternalErrors.Should().Be(0);
    }

    [Test]
    public void OnData_MutatedHttpTrafficRandomSplitsAndLosses_NoInternalErrorsMostRowsKept()
    {
        var rng = new Random(99);
        var b = _conn.Open();
        const int pairs = 300;
        for (var i = 0; i < pairs; i++)
        {
            var req = System.Text.Encoding.ASCII.GetBytes(i % 3 == 0
                ? "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                : CurlGet);
            var resp = System.Text.Encoding.ASCII.GetBytes(NginxOk);
            if (rng.Next(10) == 0)
            {
                req[rng.Next(req.Length)] = (byte)rng.Next(256);
            }

            SendSplit(b, TrafficDirection.Recv, req, rng);
            SendSplit(b, TrafficDirection.Send, resp, rng);
            if (rng.Next(4) == 0)
            {
                b.EndBatch();
            }
        }

        b.EndBatch().Close().EndBatch();

        var stats = _tracer.GetStats();
        stats.InternalErrors.Should().Be(0);
        Rows().Count.Should().BeInRange(pairs * 6 / 10, pairs);
    }

    private static void SendSplit(SocketEventBuilder b, TrafficDirection dir, byte[] bytes, Random rng)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            var n = Math.Min(bytes.Length - at, rng.Next(1, 64));
            if (rng.Next(50) == 0)
            {
                b.Lose(dir, (ulong)n);
            }
            else
            {
                b.Data(dir, bytes[at..(at + n)]);
            }

            at += n;
        }
    }

    [TestCase(TrafficDirection.Recv, 2L)]
    [TestCase(TrafficDirection.Send, 1L)]
    public void OnBatchEnd_UnknownRole_InferredFromFirstRequest(TrafficDirection requestDirection, long expectedRole)
    {
        var responseDirection = requestDirection == TrafficDirection.Recv ? TrafficDirection.Send : TrafficDirection.Recv;
        _conn.Open(TraceRole.Unknown);
        _conn.Data(requestDirection, System.Text.Encoding.ASCII.GetBytes(CurlGet));
        _conn.Data(responseDirection, System.Text.Encoding.ASCII.GetBytes(NginxOk));
        _conn.EndBatch();

        Rows().Single()["trace_role"].Should().Be(expectedRole);
        _tracer.GetStats().RolesInferred.Should().Be(1);
    }

    [Test]
    public void OnBatchEnd_ResponseReadUntilClose_RecordedAtClose()
    {
        _conn.Open().Recv("GET /old HTTP/1.0\r\n\r\n").Send("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it").EndBatch();
        Rows().Should().BeEmpty();

        _conn.Close().EndBatch();

        Rows().Single()["resp_body"].Should().Be("all of it");
    }

    [Test]
    public void OnBatchEnd_LostBytesInsideRequestHead_NextRequestRecorded()
    {
        _conn.Open().Recv(CurlGet[..10]).Lose(TrafficDirection.Recv, 20).Recv(CurlGet[30..]).EndBatch().EndBatch().EndBatch();
        _conn.Send(NginxOk).Recv(CurlGet.Replace("/a", "/ok")).Send(NginxOk).EndBatch();

        Rows().Should().ContainSingle().Which["req_path"].Should().Be("/ok");
        var stats = _tracer.GetStats();
        stats.Gaps.Should().Be(1);
        stats.IncompleteFrames.Should().BeGreaterThan(0);
    }

    [Test]
    public void FlushConnStats_TwoConnectionsSameRemote_OneCumulativeRow()
    {
        var a = new SocketEventBuilder(_tracer, fd: 10).Open(TraceRole.Client, "10.0.0.1:40001", "10.0.0.9:80");
        var b = new SocketEventBuilder(_tracer, fd: 11).Open(TraceRole.Client, "10.0.0.1:40002", "10.0.0.9:80");
        a.Send(CurlGet).Recv(NginxOk).Close().EndBatch();
        b.Send(CurlGet).EndBatch();

        _tracer.FlushConnStats().Should().Be(1);
        b.Recv(NginxOk).Close(bytesSent: 1000, bytesRecv: 10).EndBatch();
        _tracer.FlushConnStats().Should().Be(1);
        _tracer.FlushConnStats().Should().Be(0, "a key whose connections all closed is written once more, then forgotten");

        var rows = TableRows.Read(_store.Find("conn_stats"));
        var first = rows[0];
        first["remote_addr"].Should().Be("10.0.0.9");
        first["remote_port"].Should().Be(80L);
        first["trace_role"].Should().Be(1L);
        first["addr_family"].Should().Be(2L);
        first["protocol"].Should().Be(1L);
        first["ssl"].Should().Be(false);
        first["conn_open"].Should().Be(2L);
        first["conn_close"].Should().Be(1L);
        first["conn_active"].Should().Be(1L);
        first["bytes_sent"].Should().Be(2L * CurlGet.Length);
        first["bytes_recv"].Should().Be((long)NginxOk.Length);
        var last = rows[1];
        last["conn_close"].Should().Be(2L);
        last["conn_active"].Should().Be(0L);
        last["bytes_sent"].Should().Be(CurlGet.Length + 1000L, "the close event's totals win when larger");
        last["bytes_recv"].Should().Be(2L * NginxOk.Length);
    }

    [Test]
    public void OnControl_TwoConnectionsOfOneProcess_StartTimeReadOnce()
    {
        new SocketEventBuilder(_tracer, fd: 1).Open();
        new SocketEventBuilder(_tracer, fd: 2).Open();

        _env.StartTimeReads.Should().Be(1);
        _tracer.GetStats().TrackersCreated.Should().Be(2);
    }

    [Test]
    public void Flush_IdleAndClosedTrackers_Removed()
    {
        new SocketEventBuilder(_tracer, fd: 1).Open().Recv(CurlGet).EndBatch();
        _conn.Open().Close().EndBatch();
        _tracer.TrackerCount.Should().Be(2);

        _env.NowNs = (long)_conn.Now + 10_000_000_000L;
        _tracer.Flush();
        _tracer.TrackerCount.Should().Be(1, "closed trackers linger 5 s");

        _env.NowNs += 300_000_000_000L;
        _tracer.Flush();
        _tracer.TrackerCount.Should().Be(0);
        _tracer.GetStats().TrackersExpired.Should().Be(1);
    }

    [Test]
    public void OnData_NonHttpTraffic_ParsingDisabledBytesStillCounted()
    {
        var pg = new SocketEventBuilder(_tracer, fd: 3) { Protocol = TrafficProtocol.Unknown }.Open(TraceRole.Client, "10.0.0.1:40000", "10.0.0.5:5432");
        for (var i = 0; i < 20; i++)
        {
            pg.Data(TrafficDirection.Send, new byte[8192]).EndBatch();
        }

        var stats = _tracer.GetStats();
        stats.ParsingDisabled.Should().Be(1);
        stats.BufferedBytes.Should().Be(0);
        _tracer.FlushConnStats();
        TableRows.Read(_store.Find("conn_stats")).Single()["bytes_sent"].Should().Be(20L * 8192);
    }

    [Test]
    public void OnData_WithoutOpen_TrackerFromEventRole()
    {
        _conn.Role = TraceRole.Server;
        _conn.Recv(CurlGet).Send(NginxOk).EndBatch();

        var r = Rows().Single();
        r["trace_role"].Should().Be(2L);
        r["remote_addr"].Should().Be("-");
        _tracer.GetStats().DataWithoutOpen.Should().Be(1);
    }

    [Test]
    public void OnBatchEnd_GzipTextResponse_BodyInflated()
    {
        var plain = System.Text.Encoding.ASCII.GetBytes("{\"greeting\":\"hello hello hello\"}");
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(plain);
        }

        var body = ms.ToArray();
        var head = System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {body.Length}\r\n\r\n");
        _conn.Open().Recv(CurlGet).Data(TrafficDirection.Send, [.. head, .. body]).EndBatch();

        var r = Rows().Single();
        r["resp_body"].Should().Be(System.Text.Encoding.ASCII.GetString(plain));
        r["resp_body_size"].Should().Be((long)body.Length);
    }

    [Test]
    public void OnBatchEnd_GzipHeaderButPlainBody_FailurePlaceholder()
    {
        _conn.Open().Recv(CurlGet)
            .Send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nplain")
            .EndBatch();

        Rows().Single()["resp_body"].Should().Be("<Stirling failed to gunzip body>");
    }

    [Test]
    public void Flush_AfterClockRefreshInterval_NewOffsetUsedForLaterRows()
    {
        _env.OffsetReads.Should().Be(1);
        _conn.Open().Recv(CurlGet).Send(NginxOk).EndBatch();
        _tracer.Flush();
        _env.OffsetReads.Should().Be(1, "the offset is measured again only every 10 s");

        _env.NowNs += 11_000_000_000L;
        _env.OffsetNs += 5_000;
        _tracer.Flush();
        var reqTs = _conn.Now;
        _conn.Recv(CurlGet).Send(NginxOk).EndBatch();

        _env.OffsetReads.Should().Be(2);
        Rows().Last()["time_"].Should().Be((long)reqTs + _env.OffsetNs);
    }
}
