using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Redis;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Redis;

/// <summary>Random, truncated, bit-flipped and spliced bytes from the recorded corpus through the parser and the handler.</summary>
[TestFixture]
public class RedisFuzzTests
{
    private const int ParserCases = 1_000_000;
    private const int HandlerConnections = 20_000;

    [Test]
    public void Parser_MillionMutatedInputs_NeverThrowsAlwaysAdvances()
    {
        var corpus = Streams();
        var rng = new Random(20261204);
        var args = new RedisArgs();
        var text = new RedisText(1024);
        var buf = new byte[4096];
        var ok = 0L;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < ParserCases; i++)
        {
            var len = Mutate(rng, corpus, buf);
            var span = buf.AsSpan(0, len);
            RedisParser.LooksLikeRedis(span);
            for (var b = span; !b.IsEmpty;)
            {
                var r = (i & 1) == 0 ? RedisParser.TryParseRequest(b, args, out var n) : RedisParser.TryParseReply(b, text, out n, out _);
                if (r != RedisParseResult.Ok)
                {
                    break;
                }

                ok++;
                if ((i & 1) == 0 && args.Count > 0)
                {
                    RedisCommands.Format(b, args, text, new RedisText(64), out _);
                }

                n.Should().BeGreaterThan(0);
                b = b[n..];
            }
        }

        ok.Should().BeGreaterThan(ParserCases / 10, "mutations keep many messages intact");
        TestContext.Out.WriteLine($"{ParserCases} cases, {ok} messages parsed, {sw.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    public void Handler_MutatedConnectionsInRandomChunksAndGaps_NeverThrowsPendingBounded()
    {
        var corpus = RedisTestSupport.LoadCorpus();
        var rng = new Random(7);
        var handler = new RedisHandler();
        var context = new ProtocolContext(0, 1024, 512);
        for (var c = 0; c < HandlerConnections; c++)
        {
            var (requests, replies) = corpus[rng.Next(corpus.Count)];
            using var conn = new ConnTracker(new ConnId { Tgid = 1, Fd = c }, rng.Next(2) == 0 ? TraceRole.Client : TraceRole.Server, 1 << 16, 2);
            var state = (RedisConnection)handler.CreateConnection();
            var req = MutateStream(rng, requests);
            var resp = MutateStream(rng, replies);
            ulong reqPos = 0, respPos = 0, ts = 1;
            while (reqPos < (ulong)req.Length || respPos < (ulong)resp.Length)
            {
                Feed(rng, conn.RequestStream, req, ref reqPos, ts++);
                Feed(rng, conn.ResponseStream, resp, ref respPos, ts++);
                conn.RequestStream.EndBatch();
                conn.ResponseStream.EndBatch();
                if (handler.Process(conn, state, context) == ProtocolStatus.Unparseable)
                {
                    break;
                }

                state.Stitcher.PendingCount.Should().BeLessThanOrEqualTo(RedisStitcher.MaxPending);
            }

            handler.Expire(state, ts / 2);
            handler.OnClosed(state);
            handler.OnClosed(state);
            state.Stitcher.PendingCount.Should().Be(0);
            if (c % 1000 == 0)
            {
                handler.TakeBatches();
            }
        }

        handler.Stats.RecordsEmitted.Should().BeGreaterThan(HandlerConnections);
    }

    private static void Feed(Random rng, DataStream s, byte[] data, ref ulong pos, ulong ts)
    {
        if (pos >= (ulong)data.Length)
        {
            return;
        }

        var n = (int)Math.Min((ulong)rng.Next(1, 2048), (ulong)data.Length - pos);
        if (rng.Next(50) == 0)
        {
            pos += (ulong)n; // lost event: a gap
            return;
        }

        s.Add(pos, (uint)n, data.AsSpan((int)pos, n), ts);
        pos += (ulong)n;
    }

    private static byte[] MutateStream(Random rng, byte[] s)
    {
        var copy = s.Length > 32768 ? s[..32768] : (byte[])s.Clone();
        var flips = rng.Next(4) == 0 ? 0 : rng.Next(1, 6);
        for (var i = 0; i < flips && copy.Length > 0; i++)
        {
            copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
        }

        return copy;
    }

    private static List<byte[]> Streams() => [.. RedisTestSupport.LoadCorpus().SelectMany(c => new[] { c.Requests, c.Replies }).Where(s => s.Length > 0)];

    private static ReadOnlySpan<byte> RespBytes => "*$+-:_,#!=(%~>|\r\n0123456789-"u8;

    /// <summary>Fills <paramref name="buf"/> with one fuzz input; returns its length.</summary>
    private static int Mutate(Random rng, List<byte[]> corpus, byte[] buf)
    {
        var src = corpus[rng.Next(corpus.Count)];
        var kind = rng.Next(6);
        if (kind == 0)
        {
            // Random bytes, biased to RESP's alphabet.
            var n = rng.Next(64);
            for (var i = 0; i < n; i++)
            {
                buf[i] = rng.Next(2) == 0 ? RespBytes[rng.Next(RespBytes.Length)] : (byte)rng.Next(256);
            }

            return n;
        }

        var start = rng.Next(4) == 0 ? rng.Next(src.Length) : 0;
        var len = Math.Min(rng.Next(1, 1024), src.Length - start);
        src.AsSpan(start, len).CopyTo(buf);
        switch (kind)
        {
            case 1: // truncated
                return rng.Next(len + 1);
            case 2: // bit flips
                for (var i = rng.Next(1, 4); i > 0; i--)
                {
                    buf[rng.Next(len)] ^= (byte)(1 << rng.Next(8));
                }

                return len;
            case 3: // a byte replaced by a RESP byte (lengths and types change)
                buf[rng.Next(len)] = RespBytes[rng.Next(RespBytes.Length)];
                return len;
            case 4: // two slices spliced
            {
                var other = corpus[rng.Next(corpus.Count)];
                var cut = rng.Next(len + 1);
                var take = Math.Min(other.Length, Math.Min(buf.Length - cut, rng.Next(512)));
                other.AsSpan(0, take).CopyTo(buf.AsSpan(cut));
                return cut + take;
            }

            default:
                return len;
        }
    }
}
