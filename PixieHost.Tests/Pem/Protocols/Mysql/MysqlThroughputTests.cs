using System.Diagnostics;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Mysql;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>
/// How fast the handler parses and stitches the corpus (bytes of both directions per second, rows per second).
/// Explicit: run by hand for the numbers; nothing is asserted.
/// </summary>
[TestFixture]
[Explicit("prints a throughput number; run by hand")]
public sealed class MysqlThroughputTests
{
    [Test]
    public void Throughput_CorpusThroughHandler()
    {
        foreach (var (name, chunks) in MysqlCorpus.LoadAll())
        {
            var bytes = chunks.Sum(c => (long)c.Bytes.Length);
            var handler = new MysqlHandler();
            var rounds = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 3000)
            {
                using var d = new MysqlDriver(handler, TraceRole.Server);
                foreach (var c in chunks)
                {
                    d.Add(c.FromClient, c.Bytes, c.TimestampNs);
                    d.Process();
                }

                d.Close();
                rounds++;
                if ((rounds & 63) == 0)
                {
                    handler.TakeBatches();
                }
            }

            sw.Stop();
            var s = sw.Elapsed.TotalSeconds;
            TestContext.Out.WriteLine($"{name}: {bytes * rounds / s / 1e6:F1} MB/s, {handler.Stats.RecordsEmitted / s:F0} rows/s, " +
                $"{handler.Stats.FramesParsed / s / 1e6:F2} M messages/s ({rounds} connections of {bytes} bytes)");
        }
    }

    [Test]
    public void Throughput_OneLongConnection()
    {
        // The CLI's commands and responses (no handshake, no quit) over and over on one connection: steady state.
        var chunks = MysqlCorpus.LoadAll()["mariadb-cli"];
        var body = chunks.Skip(3).Take(chunks.Count - 4).ToList();
        var handler = new MysqlHandler();
        using var d = new MysqlDriver(handler, TraceRole.Server);
        long bytes = 0;
        ulong ts = 1;
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 3000)
        {
            for (var r = 0; r < 1000; r++)
            {
                foreach (var c in body)
                {
                    d.Add(c.FromClient, c.Bytes, ts += 1000);
                    d.Process();
                    bytes += c.Bytes.Length;
                }
            }

            handler.TakeBatches();
        }

        var s = sw.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"one connection: {bytes / s / 1e6:F1} MB/s, {handler.Stats.RecordsEmitted / s:F0} rows/s");
    }
}
