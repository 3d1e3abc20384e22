using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Mysql;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>
/// A million cases from the recorded corpus: truncated, bit-flipped, spliced, duplicated, dropped and random
/// chunks through the parser functions and the handler. Nothing may throw, and the per-connection state stays
/// bounded (pending requests, prepared statements). Seeded, so a failure repeats.
/// </summary>
[TestFixture]
public sealed class MysqlFuzzTests
{
    private const int Cases = 1_000_000;

    [Test]
    public void Fuzz_MillionMutatedCases_NoExceptionBoundedState()
    {
        var corpus = MysqlCorpus.LoadAll().Values.ToList();
        corpus.Should().NotBeEmpty();
        var packets = corpus.SelectMany(c => c).SelectMany(c => Packets(c.Bytes)).ToList();
        var rnd = new Random(20261204);
        var handler = new MysqlHandler();
        var sw = Stopwatch.StartNew();
        var cases = 0;
        var scratch = new byte[8192];

        // 1. Single packets and random slices straight into the parser functions (cheap: most of the cases).
        while (cases < Cases / 2)
        {
            var p = packets[rnd.Next(packets.Count)];
            var n = Math.Min(p.Length, scratch.Length);
            p.AsSpan(0, n).CopyTo(scratch);
            Mutate(scratch.AsSpan(0, n), rnd);
            var span = scratch.AsSpan(0, rnd.Next(n + 1));
            ParserCase(span);
            cases++;
        }

        // 2. Whole connections, mutated, through the handler as client or server, with gaps and odd cuts.
        var connections = 0;
        while (cases < Cases)
        {
            var chunks = corpus[rnd.Next(corpus.Count)];
            using var d = new MysqlDriver(handler, rnd.Next(2) == 0 ? TraceRole.Server : TraceRole.Client, capacityBytes: 64 * 1024);
            var start = rnd.Next(4) == 0 ? rnd.Next(chunks.Count) : 0;
            if (start > 0)
            {
                d.Conn.Send.NeedsResync = d.Conn.Recv.NeedsResync = true;
            }

            for (var i = start; i < chunks.Count; i++)
            {
                var c = chunks[i];
                var bytes = c.Bytes;
                var op = rnd.Next(12);
                if (op == 0)
                {
                    d.Lose(c.FromClient, (ulong)bytes.Length);
                    cases++;
                    continue;
                }

                if (op <= 3)
                {
                    bytes = (byte[])bytes.Clone();
                    Mutate(bytes, rnd);
                }
                else if (op == 4)
                {
                    bytes = new byte[rnd.Next(1, 200)];
                    rnd.NextBytes(bytes);
                }
                else if (op == 5 && bytes.Length > 1)
                {
                    bytes = bytes[..rnd.Next(1, bytes.Length)];
                }

                var copied = op == 6 ? rnd.Next(bytes.Length + 1) : (int?)null;
                if (op == 7 && bytes.Length > 2)
                {
                    var cut = rnd.Next(1, bytes.Length);
                    d.Add(c.FromClient, bytes.AsSpan(0, cut), c.TimestampNs);
                    d.Process();
                    d.Add(c.FromClient, bytes.AsSpan(cut), c.TimestampNs + 1);
                }
                else
                {
                    d.Add(c.FromClient, bytes, c.TimestampNs, copied);
                    if (op == 8)
                    {
                        d.Add(c.FromClient, bytes, c.TimestampNs);
                    }
                }

                d.Process();
                d.State.Stitcher.PendingRequests.Should().BeLessThanOrEqualTo(d.State.Stitcher.MaxPending);
                d.State.Statements.Count.Should().BeLessThanOrEqualTo(1024);
                cases++;
            }

            if (rnd.Next(3) == 0)
            {
                handler.Expire(d.State, ulong.MaxValue);
                d.State.Stitcher.PendingRequests.Should().Be(0);
            }

            d.Close();
            d.State.Stitcher.PendingRequests.Should().Be(0);
            d.State.Response.InProgress.Should().BeFalse();
            connections++;
            if ((connections & 255) == 0)
            {
                handler.TakeBatches();
            }
        }

        handler.TakeBatches();
        sw.Stop();
        TestContext.Out.WriteLine($"{cases} cases ({connections} connections) in {sw.Elapsed.TotalSeconds:F1} s; " +
            $"records {handler.Stats.RecordsEmitted}, parse errors {handler.Stats.ParseErrors}, unmatched {handler.Stats.UnmatchedResponses}");
        cases.Should().BeGreaterThanOrEqualTo(Cases);
        handler.Stats.RecordsEmitted.Should().BePositive();
    }

    [Test]
    public void Fuzz_FloodOfCommandsWithoutResponses_QueueBoundedOldestDropped()
    {
        var h = new MysqlHandler();
        using var d = new MysqlDriver(h);
        var q = MysqlParserTests.Command(MysqlCommands.Query, "SELECT 1");
        for (var i = 0; i < 2000; i++)
        {
            d.Add(fromClient: true, q, 1000 + (ulong)i);
            d.Process();
        }

        d.State.Stitcher.PendingRequests.Should().Be(d.State.Stitcher.MaxPending);
        h.Stats.ExpiredMessages.Should().Be(2000 - d.State.Stitcher.MaxPending);
        d.Close();
        h.Stats.UnansweredRequests.Should().Be(d.State.Stitcher.MaxPending);
    }

    private static void ParserCase(ReadOnlySpan<byte> span)
    {
        MysqlParser.LooksLikeMysql(span);
        if (span.Length >= 4)
        {
            var payload = span[4..];
            MysqlParser.TryParseErr(payload, out _, out _, out _);
            MysqlParser.TryParseOk(payload, out _, out _);
            MysqlParser.TryParseGreeting(payload, out _);
            MysqlParser.TryParseHandshakeResponse(payload, out _);
            var o = 0;
            MysqlParser.TryReadLenEncString(payload, ref o, out _);
            if (payload.Length > 1)
            {
                var stmt = new MysqlPreparedStatement { Text = "SELECT ?, '?', ? FROM t WHERE a = ?"u8.ToArray(), FullLength = 35, NumParams = (ushort)(payload[0] & 7) };
                Span<byte> dst = stackalloc byte[256];
                var w = new MysqlTextWriter(dst);
                MysqlExecuteRenderer.Render(payload[1..], stmt, payload[0] > 0x80, ref w);
            }

            var parser = new MysqlResponseParser();
            var r = parser.Begin(payload.Length > 0 ? payload[0] : MysqlCommands.Query, new MysqlPacket(payload.Length, 1, 1, false), payload);
            for (byte seq = 2; r == MysqlFeedResult.More && seq < 6; seq++)
            {
                r = parser.Feed(new MysqlPacket(payload.Length, seq, seq, false), payload);
            }
        }
    }

    private static void Mutate(Span<byte> b, Random rnd)
    {
        if (b.IsEmpty)
        {
            return;
        }

        var flips = rnd.Next(1, 4);
        for (var i = 0; i < flips; i++)
        {
            var at = rnd.Next(b.Length);
            switch (rnd.Next(4))
            {
                case 0:
                    b[at] ^= (byte)(1 << rnd.Next(8));
                    break;
                case 1:
                    b[at] = (byte)rnd.Next(256);
                    break;
                case 2:
                    b[at] = rnd.Next(2) == 0 ? (byte)0xfe : (byte)0xff;
                    break;
                default:
                    // Lengths and sequence ids are where framing breaks.
                    b[at & ~3 & (b.Length > 4 ? ~0 : 0)] = (byte)rnd.Next(256);
                    break;
            }
        }
    }

    private static IEnumerable<byte[]> Packets(byte[] bytes)
    {
        var o = 0;
        while (MysqlParser.TryReadHeader(bytes.AsSpan(o), out var len, out _) && bytes.Length - o - 4 >= len)
        {
            yield return bytes[o..(o + 4 + len)];
            o += 4 + len;
        }
    }
}
