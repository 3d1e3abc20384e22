using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pem;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Metadata;

[TestFixture]
public class LocalMetadataProviderTests
{
    [Test]
    public void FindProcess_OwnUpid_ResolvesRealCmdlineAndNode()
    {
        var provider = MetadataTestData.Provider();

        var p = provider.FindProcess(MetadataTestData.Self);

        p.Should().NotBeNull();
        p!.Pid.Should().Be((uint)Environment.ProcessId);
        p.Cmdline.Should().Be(File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Replace('\0', ' '));
        p.Pod.Should().NotBeNull();
        p.Pod!.NodeName.Should().Be(System.Net.Dns.GetHostName());
        provider.NodeName.Should().Be(System.Net.Dns.GetHostName());
    }

    [Test]
    public void FindProcess_ChildSleep_ResolvesItsCmdlineAndAStandInPod()
    {
        using var child = MetadataTestData.StartSleep();
        var provider = MetadataTestData.Provider();

        var p = provider.FindProcess(MetadataTestData.UpidOf(child.Pid));

        p.Should().NotBeNull();
        p!.Cmdline.Should().Be("sleep 30");
        var pod = p.Pod!;
        var cgroup = CgroupParser.Parse(File.ReadAllText($"/proc/{child.Pid}/cgroup"));
        if (cgroup.InContainer)
        {
            p.ContainerId.Should().Be(cgroup.ContainerId);
            pod.Namespace.Should().Be("default");
        }
        else
        {
            var group = cgroup.SystemdUnit.Length > 0 ? cgroup.SystemdUnit : "sleep";
            pod.Name.Should().Be("host/" + group);
            pod.Namespace.Should().Be("host");
            pod.Services.Should().ContainSingle().Which.Name.Should().Be("host/" + group);
        }

        provider.FindPod(pod.Id).Should().Be(pod);
        provider.FindPodByName(pod.Name).Should().Be(pod);
        provider.FindServiceByName(pod.Services[0].Name)!.Id.Should().Be(pod.Services[0].Id);
        pod.StartTimeNs.Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L, 60_000_000_000L);
    }

    [Test]
    public void FindProcess_WrongStartTimeOrAsid_ReturnsNull()
    {
        var provider = MetadataTestData.Provider();
        var self = Upid.From(MetadataTestData.Self);

        provider.FindProcess(new Upid(self.Asid, self.Pid, self.StartTimeTicks + 1).Value).Should().BeNull("a reused pid is another process");
        provider.FindProcess(new Upid(self.Asid + 1, self.Pid, self.StartTimeTicks).Value).Should().BeNull("another node's process");
    }

    [Test]
    public void Scan_ProcessExits_KeptForRetentionThenDropped()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var provider = MetadataTestData.Provider(new LocalMetadataOptions { ExitedProcessRetentionSeconds = 60 }, time);
        var child = MetadataTestData.StartSleep();
        var pid = child.Pid;
        var upid = MetadataTestData.UpidOf(pid);
        provider.Scan().Should().BeGreaterThan(0);

        child.Dispose();
        WaitGone(pid);
        provider.Scan();
        time.Advance(TimeSpan.FromSeconds(31));
        provider.FindProcess(upid)!.Cmdline.Should().Be("sleep 30", "rows of an exited process still resolve");

        time.Advance(TimeSpan.FromSeconds(61));
        provider.Scan();
        provider.FindProcess(upid).Should().BeNull();
    }

    [Test]
    public void FindProcess_ExecutedAfterTtl_RereadsCmdline()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var provider = MetadataTestData.Provider(new LocalMetadataOptions { CacheTtlMs = 1000 }, time);
        var upid = MetadataTestData.Self;
        var first = provider.FindProcess(upid);

        provider.FindProcess(upid).Should().BeSameAs(first, "within the TTL the cached entry answers");
        time.Advance(TimeSpan.FromSeconds(2));
        provider.FindProcess(upid).Should().NotBeSameAs(first).And.Be(first);
    }

    [Test]
    public void Cidrs_HostWithANetwork_AreCidrStrings() =>
        MetadataTestData.Provider().Cidrs.Should().OnlyContain(c => IsCidr(c));

    private static bool IsCidr(string c) => System.Net.IPNetwork.TryParse(c, out var _);

    private static void WaitGone(int pid)
    {
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++)
        {
            Thread.Sleep(20);
        }
    }
}
