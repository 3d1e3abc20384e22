using System.Diagnostics;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Redis;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Redis;

/// <summary>Parsing speed over the recorded corpus, printed (never asserted): run by name when a number is wanted.</summary>
[TestFixture]
[Explicit("Measurement, not a test")]
public class RedisThroughputTests
{
    [Test]
    public void Measure_ParserAndHandler_PrintsMBPerSecond()
    {
        var corpus = RedisTestSupport.LoadCorpus();
        var args = new RedisArgs();
        var text = new RedisText(1024);
        long bytes = 0, frames = 0;
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 3000)
        {
            foreach (var (req, resp) in corpus)
            {
                for (ReadOnlySpan<byte> b = req; RedisParser.TryParseRequest(b, args, out var n) == RedisParseResult.Ok; b = b[n..])
                {
                    RedisCommands.Format(b, args, text, text, out _);
                    frames++;
                }

                for (ReadOnlySpan<byte> b = resp; RedisParser.TryParseReply(b, text, out var n, out _) == RedisParseResult.Ok; b = b[n..])
                {
                    frames++;
                }

                bytes += req.Length + resp.Length;
            }
        }

        TestContext.Out.WriteLine($"parser: {bytes / 1e6 / sw.Elapsed.TotalSeconds:F0} MB/s, {frames / sw.Elapsed.TotalSeconds / 1e6:F2} M messages/s");

        var handler = new RedisHandler();
        var context = new ProtocolContext(0, 1024, 512);
        bytes = 0;
        var rows = 0L;
        sw.Restart();
        var fd = 0;
        while (sw.ElapsedMilliseconds < 3000)
        {
            foreach (var (req, resp) in corpus)
            {
                using var conn = new ConnTracker(new ConnId { Tgid = 1, Fd = fd++ }, TraceRole.Client, 1 << 20, 2);
                var state = handler.CreateConnection();
                for (var off = 0; off < Math.Max(req.Length, resp.Length); off += 16384)
                {
                    if (off < req.Length)
                    {
                        conn.Send.Add((ulong)off, (uint)Math.Min(16384, req.Length - off), req.AsSpan(off, Math.Min(16384, req.Length - off)), (ulong)off + 1);
                    }

                    if (off < resp.Length)
                    {
                        conn.Recv.Add((ulong)off, (uint)Math.Min(16384, resp.Length - off), resp.AsSpan(off, Math.Min(16384, resp.Length - off)), (ulong)off + 2);
                    }

                    handler.Process(conn, state, context);
                }

                bytes += req.Length + resp.Length;
            }

            foreach (var b in handler.TakeBatches())
            {
                rows += b.RowCount;
            }
        }

        TestContext.Out.WriteLine($"handler: {bytes / 1e6 / sw.Elapsed.TotalSeconds:F0} MB/s, {rows / sw.Elapsed.TotalSeconds / 1e3:F0} k rows/s");
    }
}
