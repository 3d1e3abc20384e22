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
}
