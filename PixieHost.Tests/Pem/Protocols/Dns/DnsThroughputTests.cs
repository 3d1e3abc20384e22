using System.Diagnostics;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Dns;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Dns;

/// <summary>Parsing speed over the recorded datagrams, printed (never asserted): run by name when a number is wanted.</summary>
[TestFixture]
[Explicit("Measurement, not a test")]
public class DnsThroughputTests
{
    [Test]
    public void Measure_ParserAndHandler_PrintsMessagesPerSecond()
    {
        var datagrams = DnsTestSupport.LoadDatagrams();
        var msg = new DnsMessage();
        long bytes = 0, frames = 0;
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 3000)
        {
            foreach (var (_, d) in datagrams)
            {
                DnsParser.TryParse(d, msg, out _);
                bytes += d.Length;
                frames++;
            }
        }

        TestContext.Out.WriteLine($"parser: {bytes / 1e6 / sw.Elapsed.TotalSeconds:F0} MB/s, {frames / sw.Elapsed.TotalSeconds / 1e6:F2} M messages/s");

        var handler = new DnsHandler();
        var context = new ProtocolContext(0, 1024, 512);
        using var conn = new ConnTracker(new ConnId { Tgid = 1, Fd = 1 }, TraceRole.Client, 1 << 20, 2) { IsDatagram = true };
        var state = handler.CreateConnection();
        ulong sendPos = 0, recvPos = 0, ts = 1;
        var rows = 0L;
        frames = 0;
        sw.Restart();
        while (sw.ElapsedMilliseconds < 3000)
        {
            foreach (var (fromClient, d) in datagrams)
            {
                ref var pos = ref fromClient ? ref sendPos : ref recvPos;
                (fromClient ? conn.Send : conn.Recv).Add(pos, (uint)d.Length, d, ts++);
                pos += (ulong)d.Length;
                frames++;
            }

            handler.Process(conn, state, context);
            if (frames % 20_000 >= datagrams.Count)
            {
                continue;
            }

            // As the tracer: rows are taken once per flush, not per batch (a new batch builder is ~1 MB).
            foreach (var b in handler.TakeBatches())
            {
                rows += b.RowCount;
            }
        }

        TestContext.Out.WriteLine($"handler (UDP): {frames / sw.Elapsed.TotalSeconds / 1e6:F2} M datagrams/s, {rows / sw.Elapsed.TotalSeconds / 1e3:F0} k rows/s");
    }
}
