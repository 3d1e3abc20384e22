using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Dns;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Dns;

/// <summary>Random, truncated, bit-flipped and spliced recorded messages through the parser and the handler (UDP and TCP).</summary>
[TestFixture]
public class DnsFuzzTests
{
    private const int ParserCases = 1_000_000;
    private const int HandlerSockets = 20_000;

    [Test]
    public void Parser_MillionMutatedMessages_NeverThrows()
    {
        var corpus = DnsTestSupport.LoadDatagrams().Select(d => d.Bytes).ToList();
        var rng = new Random(53);
        var msg = new DnsMessage();
        var buf = new byte[1024];
        var ok = 0;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < ParserCases; i++)
        {
            var len = Mutate(rng, corpus, buf);
            var span = buf.AsSpan(0, len);
            DnsParser.LooksLikeDns(span);
            if (DnsParser.TryParse(span, msg, out var consumed) == DnsParseResult.Ok)
            {
                ok++;
                consumed.Should().BeInRange(DnsParser.HeaderBytes, len);
            }
        }

        ok.Should().BeGreaterThan(ParserCases / 10);
        TestContext.Out.WriteLine($"{ParserCases} cases, {ok} parsed, {sw.Elapsed.TotalSeconds:F1} s");
    }

    [Test]
    public void Handler_MutatedSocketsUdpAndTcp_NeverThrowsPendingBounded()
    {
        var datagrams = DnsTestSupport.LoadDatagrams();
        var tcp = DnsTestSupport.LoadTcpChunks();
        var rng = new Random(54);
        var handler = new DnsHandler();
        var context = new ProtocolContext(0, 1024, 512);
        var buf = new byte[1024];
        for (var c = 0; c < HandlerSockets; c++)
        {
            var udp = (c & 1) == 0;
            using var conn = new ConnTracker(new ConnId { Tgid = 1, Fd = c }, rng.Next(2) == 0 ? TraceRole.Client : TraceRole.Server, 1 << 16, 2) { IsDatagram = udp };
            var state = (DnsConnection)handler.CreateConnection();
            ulong sendPos = 0, recvPos = 0, ts = 1;
            var source = udp ? datagrams : tcp;
            for (var e = rng.Next(1, 40); e > 0; e--)
            {
                var (fromClient, bytes) = source[rng.Next(source.Count)];
                var len = rng.Next(5) == 0 ? Mutate(rng, [bytes], buf) : Copy(bytes, buf);
                var toRequests = fromClient == (rng.Next(10) != 0);
                var stream = toRequests ? conn.RequestStream : conn.ResponseStream;
                ref var pos = ref toRequests ? ref (conn.Role == TraceRole.Client ? ref sendPos : ref recvPos) : ref (conn.Role == TraceRole.Client ? ref recvPos : ref sendPos);
                if (rng.Next(30) == 0)
                {
                    pos += (ulong)len; // lost
                }
                else
                {
                    var copied = rng.Next(20) == 0 ? rng.Next(len + 1) : len;
                    stream.Add(pos, (uint)len, buf.AsSpan(0, copied), ts++);
                    pos += (ulong)len;
                }

                conn.Send.EndBatch();
                conn.Recv.EndBatch();
                if (handler.Process(conn, state, context) == ProtocolStatus.Unparseable)
                {
                    break;
                }

                state.Stitcher.PendingCount.Should().BeLessThanOrEqualTo(DnsStitcher.MaxPending);
            }

            handler.OnClosed(state);
            state.Stitcher.PendingCount.Should().Be(0);
            if (c % 1000 == 0)
            {
                handler.TakeBatches();
            }
        }

        handler.Stats.RecordsEmitted.Should().BePositive();
        handler.Stats.ParseErrors.Should().BePositive();
    }

    private static int Copy(byte[] src, byte[] buf)
    {
        var n = Math.Min(src.Length, buf.Length);
        src.AsSpan(0, n).CopyTo(buf);
        return n;
    }

    /// <summary>Fills <paramref name="buf"/> with one fuzz input; returns its length.</summary>
    private static int Mutate(Random rng, List<byte[]> corpus, byte[] buf)
    {
        var src = corpus[rng.Next(corpus.Count)];
        var len = Copy(src, buf);
        switch (rng.Next(6))
        {
            case 0: // random bytes after a real header
                for (var i = 12; i < len; i++)
                {
                    buf[i] = (byte)rng.Next(256);
                }

                return len;
            case 1:
                return rng.Next(len + 1);
            case 2:
                for (var i = rng.Next(1, 4); i > 0; i--)
                {
                    buf[rng.Next(len)] ^= (byte)(1 << rng.Next(8));
                }

                return len;
            case 3: // a compression pointer anywhere
                var at = rng.Next(Math.Max(1, len - 1));
                buf[at] = (byte)(0xC0 | rng.Next(4));
                buf[at + 1] = (byte)rng.Next(256);
                return len;
            case 4: // counts changed
                buf[4 + (2 * rng.Next(4)) + 1] = (byte)rng.Next(256);
                return len;
            default:
                return len;
        }
    }
}
