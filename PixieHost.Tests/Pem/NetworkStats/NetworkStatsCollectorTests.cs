using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.NetworkStats;
using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.NetworkStats;

[TestFixture]
public class NetworkStatsCollectorTests
{
    private const string Sample = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo: 9999999   99999    0    0    0     0          0         0  9999999   99999    0    0    0     0       0          0
          eth0: 1000      10       1    2    0     0          0         0  2000      20       3    4    0     0       0          0
          eth1: 500       5        0    1    0     0          0         0  700       7        0    0    0     0       0          0
        """;

    [Test]
    public void TryParse_SeveralInterfaces_SumsAllButLoopback()
    {
        NetDev.TryParse(Sample, out var t).Should().BeTrue();
        t.Should().Be(new NetDevTotals(1500, 15, 1, 3, 2700, 27, 3, 4));
    }

    [TestCase("")]
    [TestCase("Inter-|   Receive\n face |bytes\n")]
    [TestCase("eth0: 1 2 3\n")]
    [TestCase("eth0: a b c d e f g h i j k l m n o p\n")]
    public void TryParse_MalformedOrEmpty_ReturnsFalseWithoutThrowing(string text)
    {
        NetDev.TryParse(text, out var t).Should().BeFalse();
        t.Should().Be(default(NetDevTotals));
    }

    [Test]
    public void TryParse_MalformedLineAmongGoodOnes_SkipsIt()
    {
        NetDev.TryParse(Sample + "\n  bad0: 1 2 x\n", out var t).Should().BeTrue();
        t.RxBytes.Should().Be(1500);
    }

    [Test]
    public void SampleOnce_RealProc_OneRowPerNetworkNamespaceWithThisNamespacesCounters()
    {
        using var isolated = Process.Start(new ProcessStartInfo("unshare", ["-n", "sleep", "30"]) { UseShellExecute = false })!;
        try
        {
            var deadline = Stopwatch.StartNew();
            var procFs = ProcFs.Default;
            var store = new Modules.TableStore.TableStore();
            var table = store.GetOrAdd(PemSchemas.NetworkStats);
            var collector = new NetworkStatsCollector(procFs, table, pid => pid == isolated.Id ? "pod-isolated" : "", TimeProvider.System);
            var own = collector.NetNamespace(Environment.ProcessId);
            own.Should().NotBeNull();

            // unshare forks into the new namespace; wait until the sleep runs there.
            while (collector.NetNamespace(isolated.Id) == own && deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                Thread.Sleep(20);
            }

            collector.NetNamespace(isolated.Id).Should().NotBe(own);
            collector.SampleOnce().Should().BeGreaterThanOrEqualTo(2);

            var rows = TableRows.Read(table);
            rows.Select(r => r["pod_id"]).Should().Contain("pod-isolated");
            var fresh = rows.Single(r => (string)r["pod_id"]! == "pod-isolated");
            fresh["rx_bytes"].Should().Be(0L, "a new namespace has only its loopback, which is not counted");
            NetDev.TryParse(File.ReadAllText("/proc/self/net/dev"), out var mine).Should().BeTrue();
            rows.Should().Contain(r => (long)r["rx_bytes"]! > 0 || mine.RxBytes == 0, "the host namespace row carries its interfaces' traffic");
        }
        finally
        {
            isolated.Kill();
        }
    }
}
