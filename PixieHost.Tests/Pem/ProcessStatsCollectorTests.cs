using System.Diagnostics;
using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pem;

[TestFixture]
public class ProcessStatsCollectorTests
{
    [Test]
    public void TryParseStat_CommWithSpacesAndParens_ReadsFieldsAfterLastParen()
    {
        var line = "1234 (my (odd) proc) S 1 1234 1234 0 -1 4194560 777 0 3 0 250 120 0 0 20 0 7 0 98765 123456789 4321 18446744073709551615";
        ProcStat.TryParseStat(Encoding.ASCII.GetBytes(line), out var s).Should().BeTrue();
        s.MinorFaults.Should().Be(777);
        s.MajorFaults.Should().Be(3);
        s.UtimeTicks.Should().Be(250);
        s.StimeTicks.Should().Be(120);
        s.NumThreads.Should().Be(7);
        s.StartTimeTicks.Should().Be(98765);
        s.VsizeBytes.Should().Be(123456789);
        s.RssPages.Should().Be(4321);
    }

    [Test]
    public void TryParseStat_Truncated_ReturnsFalse()
    {
        ProcStat.TryParseStat("12 (x) S 1 2"u8, out _).Should().BeFalse();
        ProcStat.TryParseStat("garbage"u8, out _).Should().BeFalse();
    }

    [Test]
    public void SampleOnce_RealProc_WritesARowForThisProcessMatchingItsCounters()
    {
        var store = new Modules.TableStore.TableStore();
        var table = store.GetOrAdd(PemSchemas.ProcessStats);
        var collector = new ProcessStatsCollector(ProcFs.Default, table, 7, TimeProvider.System);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

        collector.SampleOnce().Should().BeGreaterThan(1);

        var batch = table.Scan().Single();
        var upids = (UInt128Column)batch["upid"];
        var pid = (uint)Environment.ProcessId;
        var row = Enumerable.Range(0, batch.RowCount).Single(i => Upid.From(upids.Values[i]).Pid == pid);
        var upid = Upid.From(upids.Values[row]);
        upid.Asid.Should().Be(7);
        upid.StartTimeTicks.Should().Be(ProcFs.Default.StartTimeTicks(Environment.ProcessId));
        ((Int64Column)batch["time_"]).Values[row].Should().BeGreaterThanOrEqualTo(before - 1_000_000);
        var me = Process.GetCurrentProcess();
        ((Int64Column)batch["num_threads"]).Values[row].Should().BeInRange(1, me.Threads.Count + 50);
        ((Int64Column)batch["rss_bytes"]).Values[row].Should().BeInRange(me.WorkingSet64 / 2, me.WorkingSet64 * 2);
        ((Int64Column)batch["cpu_utime_ns"]).Values[row].Should().BeGreaterThan(0);
        ((Int64Column)batch["rchar_bytes"]).Values[row].Should().BeGreaterThan(0, "the test process has read its own assemblies");
    }
}
