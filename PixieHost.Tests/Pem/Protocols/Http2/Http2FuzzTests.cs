using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Http2;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>
/// Random, truncated, bit-flipped, sliced and spliced versions of the recorded corpus through the handler
/// (framing, HPACK, stitching, rows), and random header blocks through the HPACK decoder: no exception, open
/// streams within the bound. Seeded, so a failure names a case that can be replayed.
/// </summary>
[TestFixture]
public class Http2FuzzTests
{
    private const int Seed = 20261204;
    private static readonly ProtocolContext Context = new(0, 1024, 512);

    [Test]
    public void Process_MillionMutatedConnections_NoExceptionAndBoundedState()
    {
        const int cases = 1_000_000;
        var corpus = Http2Corpus.Names().Select(Http2Corpus.Load).Select(c => (Client: Http2Corpus.Stream(c, true), Server: Http2Corpus.Stream(c, false))).ToArray();
        var frames = corpus.SelectMany(c => SplitFrames(c.Client.AsSpan(Http2Parser.Preface.Length).ToArray()).Concat(SplitFrames(c.Server))).ToArray();
        var rng = new Random(Seed);
        var handler = new Http2Handler();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var (client, server, midway) = MakeCase(rng, i, corpus, frames);
            try
            {
                Run(handler, client, server, midway, rng);
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} (seed {Seed}) threw: {e}");
            }

            if ((i & 0xffff) == 0)
            {
                handler.TakeBatches();
            }
        }

        TestContext.Out.WriteLine($"{cases} cases in {sw.Elapsed.TotalSeconds:F1} s; records {handler.Stats.RecordsEmitted}, frames {handler.Stats.FramesParsed}, parse errors {handler.Stats.ParseErrors}");
        handler.Stats.FramesParsed.Should().BePositive();
        handler.Stats.RecordsEmitted.Should().BePositive("unmutated prefixes still complete streams");
    }

    [Test]
    public void Decode_RandomAndMutatedHeaderBlocks_NoException()
    {
        var rng = new Random(Seed + 1);
        var blocks = new[]
        {
            Convert.FromHexString("828684418cf1e3c2e5f23a6ba0ab90f4ff"),
            Convert.FromHexString("488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3"),
            Convert.FromHexString("828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"),
        };
        var headers = new Http2Headers();
        var d = new HpackDecoder(stateKnown: false);
        for (var i = 0; i < 300_000; i++)
        {
            byte[] b;
            if (i % 2 == 0)
            {
                b = new byte[rng.Next(0, 48)];
                rng.NextBytes(b);
            }
            else
            {
                b = (byte[])blocks[rng.Next(blocks.Length)].Clone();
                b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                b = b[..rng.Next(b.Length + 1)];
            }

            headers.Clear();
            d.Decode(b, headers);
            d.TableSize.Should().BeLessThanOrEqualTo(d.MaxTableSize);
            if (i % 1000 == 0)
            {
                d = new HpackDecoder(stateKnown: i % 3000 != 0);
            }
        }
    }

    private static (byte[] Client, byte[] Server, bool Midway) MakeCase(Random rng, int i, (byte[] Client, byte[] Server)[] corpus, byte[][] frames)
    {
        var c = corpus[rng.Next(corpus.Length)];
        switch (i % 5)
        {
            case 0:
                // Whole connection, both directions cut somewhere, a few bits flipped.
                return (Flip(rng, c.Client[..rng.Next(c.Client.Length + 1)]), Flip(rng, c.Server[..rng.Next(c.Server.Length + 1)]), false);
            case 1:
                // Met mid-way: a slice of each direction from anywhere.
                return (Slice(rng, c.Client), Slice(rng, c.Server), true);
            case 2:
            {
                // Arbitrary bytes.
                var a = new byte[rng.Next(0, 80)];
                var b = new byte[rng.Next(0, 80)];
                rng.NextBytes(a);
                rng.NextBytes(b);
                return (rng.Next(2) == 0 ? [.. Http2Parser.Preface, .. a] : a, b, rng.Next(2) == 0);
            }

            case 3:
            {
                // Real frames spliced in random order (mixed streams, orphan CONTINUATION/DATA, repeated HEADERS).
                var n = rng.Next(1, 12);
                var a = new List<byte>(Http2Parser.Preface.ToArray());
                var b = new List<byte>();
                for (var k = 0; k < n; k++)
                {
                    (rng.Next(2) == 0 ? a : b).AddRange(frames[rng.Next(frames.Length)]);
                }

                return (Flip(rng, [.. a]), Flip(rng, [.. b]), false);
            }

            default:
                // Unmutated prefixes: real streams complete.
                return (c.Client, c.Server[..rng.Next(c.Server.Length / 2, c.Server.Length + 1)], false);
        }
    }

    private static void Run(Http2Handler handler, byte[] client, byte[] server, bool midway, Random rng)
    {
        using var t = new ConnTracker(new ConnId { Tgid = 1, Fd = 3, Generation = 1 }, TraceRole.Server, 1 << 16, 2);
        var state = handler.CreateConnection();
        ulong basePos = midway ? (ulong)rng.Next(1, 100_000) : 0;
        var ts = 1_000UL;
        Feed(t.Recv, client, basePos, rng, ref ts);
        Feed(t.Send, server, basePos, rng, ref ts);
        if (midway)
        {
            t.Recv.NeedsResync = t.Send.NeedsResync = true;
        }

        t.Recv.EndBatch();
        t.Send.EndBatch();
        handler.Process(t, state, Context);
        if (rng.Next(4) == 0)
        {
            // Lose the rest of a frame: a gap, then more bytes.
            t.Send.Add(t.Send.HeadPosition + (ulong)t.Send.Contiguous.Length + 7, (uint)Math.Min(server.Length, 50), server.AsSpan(0, Math.Min(server.Length, 50)), ts);
            t.Send.EndBatch();
            t.Send.EndBatch();
            t.Send.EndBatch();
            handler.Process(t, state, Context);
        }

        ((Http2Handler.Http2Connection)state).Stitcher.OpenStreams.Should().BeLessThanOrEqualTo(Http2Stitcher.MaxOpenStreams);
        handler.OnClosed(state);
        handler.OnClosed(state);
        state.Dispose();
    }

    /// <summary>Adds <paramref name="bytes"/> in 1-3 events.</summary>
    private static void Feed(DataStream s, byte[] bytes, ulong pos, Random rng, ref ulong ts)
    {
        var off = 0;
        var pieces = rng.Next(1, 4);
        for (var p = 0; p < pieces && off < bytes.Length; p++)
        {
            var n = p == pieces - 1 ? bytes.Length - off : rng.Next(1, bytes.Length - off + 1);
            s.Add(pos + (ulong)off, (uint)n, bytes.AsSpan(off, n), ts += 1000);
            off += n;
        }
    }

    private static byte[] Flip(Random rng, byte[] b)
    {
        var flips = rng.Next(0, 4);
        for (var k = 0; k < flips && b.Length > 0; k++)
        {
            b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
        }

        return b;
    }

    private static byte[] Slice(Random rng, byte[] b)
    {
        var start = rng.Next(b.Length);
        return b[start..Math.Min(b.Length, start + rng.Next(1, 700))];
    }

    private static IEnumerable<byte[]> SplitFrames(byte[] stream)
    {
        var pos = 0;
        while (Http2Parser.TryReadFrame(stream.AsSpan(pos), out _, out _, out var n))
        {
            yield return stream[pos..(pos + n)];
            pos += n;
        }
    }
}
