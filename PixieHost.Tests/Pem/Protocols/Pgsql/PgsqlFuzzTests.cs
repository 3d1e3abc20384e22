using System.Buffers;
using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Pgsql;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

/// <summary>
/// 1,000,000 seeded cases cut from the recorded corpus (truncated chunks, bit flips, random lengths, spliced windows,
/// random bytes) through the parser and through the handler as both streams of a connection: no exception, and the
/// pending requests stay under the stitcher's bound.
/// </summary>
[TestFixture]
public sealed class PgsqlFuzzTests
{
    private const int Cases = 1_000_000;

    [Test]
    public void ParserAndHandler_MillionMutatedCases_NeverThrowAndStayBounded()
    {
        var corpus = PgsqlCorpus.Load();
        var client = corpus.SelectMany(c => c.Where(x => x.FromClient).Select(x => x.Bytes)).ToArray();
        var server = corpus.SelectMany(c => c.Where(x => !x.FromClient).Select(x => x.Bytes)).ToArray();
        var rng = new Random(20261204);
        var handler = new PgsqlHandler();
        var context = new ProtocolContext(0, 1024, 512);
        var sw = Stopwatch.StartNew();
        long rows = 0;
        for (var i = 0; i < Cases; i++)
        {
            var req = Mutate(rng, client, frontend: true);
            var resp = Mutate(rng, server, frontend: false);
            ParseAll(req, frontend: true);
            ParseAll(resp, frontend: false);

            using var conn = new ConnTracker(new ConnId { Tgid = 9, Fd = i, Generation = 1 }, TraceRole.Server, 64 * 1024, 1);
            var state = (PgsqlConnection)handler.CreateConnection();
            Feed(rng, conn.Recv, req);
            Feed(rng, conn.Send, resp);
            conn.Recv.EndBatch();
            conn.Send.EndBatch();
            handler.Process(conn, state, context);
            if (i % 7 == 0)
            {
                handler.Expire(state, 1_000 + (ulong)rng.Next(400));
            }

            conn.MarkClosed();
            conn.Recv.EndBatch();
            conn.Send.EndBatch();
            handler.Process(conn, state, context);
            state.Stitcher.PendingRequests.Should().BeLessThanOrEqualTo(1024);
            handler.OnClosed(state);
            handler.OnClosed(state);
            state.Stitcher.PendingRequests.Should().Be(0);
            if (i % 50_000 == 0)
            {
                rows += handler.TakeBatches().Sum(b => b.RowCount);
            }
        }

        rows += handler.TakeBatches().Sum(b => b.RowCount);
        TestContext.Out.WriteLine($"{Cases} cases in {sw.Elapsed.TotalSeconds:F1} s, {rows} rows, {handler.Stats.FramesParsed} frames, " +
            $"{handler.Stats.ParseErrors} parse errors");
        rows.Should().BePositive("many cases keep whole request/response pairs");
    }

    private static void ParseAll(byte[] buf, bool frontend)
    {
        var pos = 0;
        while (pos < buf.Length)
        {
            var status = PgsqlParser.TryParse(buf.AsSpan(pos), frontend, 4096, out var m, out var used);
            if (status == OperationStatus.Done)
            {
                used.Should().BePositive();
                pos += used;
                _ = m.Payload.Length;
                continue;
            }

            if (status == OperationStatus.NeedMoreData)
            {
                break;
            }

            var next = PgsqlParser.FindMessageStart(buf.AsSpan(pos + 1), frontend);
            if (next < 0)
            {
                break;
            }

            pos += next + 1;
        }

        PgsqlParser.LooksLikePgsql(buf);
        PgsqlParser.InferRole(buf, buf);
    }

    /// <summary>Adds <paramref name="bytes"/> to <paramref name="stream"/> in 1-3 events, sometimes with a lost piece.</summary>
    private static void Feed(Random rng, DataStream stream, byte[] bytes)
    {
        ulong pos = 0;
        var at = 0;
        var parts = rng.Next(1, 4);
        for (var p = 0; p < parts && at < bytes.Length; p++)
        {
            var n = p == parts - 1 ? bytes.Length - at : rng.Next(1, bytes.Length - at + 1);
            if (rng.Next(8) == 0)
            {
                // A lost event: its bytes become a gap.
                pos += (ulong)n;
            }
            else
            {
                stream.Add(pos, (uint)n, bytes.AsSpan(at, n), 1_000 + (ulong)at);
                pos += (ulong)n;
            }

            at += n;
        }
    }

    private static byte[] Mutate(Random rng, byte[][] chunks, bool frontend)
    {
        var src = chunks[rng.Next(chunks.Length)];
        switch (rng.Next(6))
        {
            case 0:
                return src[..rng.Next(src.Length + 1)];
            case 1:
            {
                var b = (byte[])src.Clone();
                for (var k = rng.Next(1, 9); k > 0 && b.Length > 0; k--)
                {
                    b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                }

                return b;
            }

            case 2:
            {
                // A real type byte with random length and payload.
                var b = new byte[rng.Next(5, 64)];
                rng.NextBytes(b);
                b[0] = src.Length > 0 ? src[0] : (byte)(frontend ? 'Q' : 'Z');
                if (rng.Next(2) == 0)
                {
                    b[1] = b[2] = 0;
                }

                return b;
            }

            case 3:
            {
                var start = rng.Next(src.Length + 1);
                return src[start..rng.Next(start, src.Length + 1)];
            }

            case 4:
            {
                // Length field of the first message rewritten.
                var b = (byte[])src.Clone();
                if (b.Length >= 5)
                {
                    var len = rng.Next(3) switch { 0 => rng.Next(0, 16), 1 => rng.Next(0, b.Length + 8), _ => rng.Next() };
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(b[0] == 0 ? 0 : 1), len);
                }

                return b;
            }

            default:
            {
                // Two chunks back to back, the second cut.
                var other = chunks[rng.Next(chunks.Length)];
                return [.. src, .. other[..rng.Next(other.Length + 1)]];
            }
        }
    }
}
