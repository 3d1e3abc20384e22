using System.Diagnostics;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Http2;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>A quick throughput loop over the corpus (prints MB/s; asserts nothing). Run by hand.</summary>
[TestFixture]
[Explicit("measurement, not a test")]
public sealed class Http2Throughput
{
    [Test]
    public void Measure_CorpusThroughHandler_PrintsMegabytesPerSecond()
    {
        var corpus = Http2Corpus.Names().Select(Http2Corpus.Load).Select(c => (Client: Http2Corpus.Stream(c, true), Server: Http2Corpus.Stream(c, false))).ToArray();
        var handler = new Http2Handler();
        var context = new ProtocolContext(0, 1024, 512);
        long bytes = 0, frames0 = 0;
        var sw = Stopwatch.StartNew();
        var iterations = 0;
        while (sw.ElapsedMilliseconds < 5000)
        {
            foreach (var (client, server) in corpus)
            {
                using var t = new ConnTracker(new ConnId { Tgid = 1, Fd = 3, Generation = 1 }, TraceRole.Server, 1 << 20, 2);
                var state = handler.CreateConnection();
                t.Recv.Add(0, (uint)client.Length, client, 1000);
                t.Send.Add(0, (uint)server.Length, server, 2000);
                t.Recv.EndBatch();
                t.Send.EndBatch();
                handler.Process(t, state, context);
                bytes += client.Length + server.Length;
                state.Dispose();
            }

            if (++iterations % 256 == 0)
            {
                handler.TakeBatches();
            }
        }

        var s = sw.Elapsed.TotalSeconds;
        frames0 = handler.Stats.FramesParsed;
        TestContext.Out.WriteLine($"{bytes / s / 1e6:F1} MB/s, {frames0 / s / 1e6:F2} M frames/s, {handler.Stats.RecordsEmitted / s / 1e3:F0} k rows/s");
    }

    [Test]
    public void Measure_LongConnectionManyStreams_PrintsMegabytesPerSecond()
    {
        const int streams = 20_000;
        const int group = 256;
        var body = System.Text.Encoding.ASCII.GetBytes("{\"items\":[" + string.Join(',', Enumerable.Range(0, 40)) + "]}");
        var groups = new List<(byte[] Client, byte[] Server)>();
        var client = new List<byte>(Http2Parser.Preface.ToArray());
        var server = new List<byte>();
        client.AddRange(Http2Frames.Frame(Http2FrameType.Settings, 0, 0, []));
        server.AddRange(Http2Frames.Frame(Http2FrameType.Settings, 0, 0, []));
        for (var i = 0; i < streams; i++)
        {
            var id = (2 * i) + 1;
            client.AddRange(Http2Frames.Frame(Http2FrameType.Headers, Http2Flags.EndHeaders | Http2Flags.EndStream, id,
                [0x82, 0x86, .. Http2Frames.Block(false, (":path", $"/api/items/{i}"), (":authority", "svc.default:8080"), ("user-agent", "grpc-go/1.60"), ("accept", "*/*"))]));
            server.AddRange(Http2Frames.Frame(Http2FrameType.Headers, Http2Flags.EndHeaders, id, [0x88, .. Http2Frames.Block(false, ("content-type", "application/json"), ("server", "kestrel"))]));
            server.AddRange(Http2Frames.Frame(Http2FrameType.Data, Http2Flags.EndStream, id, body));
            if (i % group == group - 1 || i == streams - 1)
            {
                groups.Add(([.. client], [.. server]));
                client.Clear();
                server.Clear();
            }
        }

        var handler = new Http2Handler();
        var context = new ProtocolContext(0, 1024, 512);
        var sw = Stopwatch.StartNew();
        long bytes = 0;
        var rounds = 0;
        while (sw.ElapsedMilliseconds < 5000)
        {
            using var t = new ConnTracker(new ConnId { Tgid = 1, Fd = 3, Generation = 1 }, TraceRole.Server, 1 << 20, 2);
            var state = handler.CreateConnection();
            ulong pc = 0, ps = 0, ts = 1;
            foreach (var (c, sv) in groups)
            {
                t.Recv.Add(pc, (uint)c.Length, c, ts++);
                t.Send.Add(ps, (uint)sv.Length, sv, ts++);
                pc += (ulong)c.Length;
                ps += (ulong)sv.Length;
                bytes += c.Length + sv.Length;
                t.Recv.EndBatch();
                t.Send.EndBatch();
                handler.Process(t, state, context);
            }

            state.Dispose();
            handler.TakeBatches();
            rounds++;
        }

        var s = sw.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"{bytes / s / 1e6:F1} MB/s, {handler.Stats.FramesParsed / s / 1e6:F2} M frames/s, {handler.Stats.RecordsEmitted / s / 1e3:F0} k rows/s ({rounds} rounds, {handler.Stats.ExpiredMessages} dropped)");
    }
}
