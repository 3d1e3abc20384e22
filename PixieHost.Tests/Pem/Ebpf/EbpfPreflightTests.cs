using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Tests.Pem.Ebpf;

[TestFixture]
public sealed class EbpfPreflightTests
{
    private const string RootStatus = "Name:\tpixie\nUid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n";

    [Test]
    public void ParseCapEff_StatusText_ReturnsHexMask()
    {
        EbpfPreflight.ParseCapEff(RootStatus).Should().Be(0x000001ffffffffffUL);
    }

    [Test]
    public void ParseCapEff_NoField_ReturnsZero()
    {
        EbpfPreflight.ParseCapEff("Name:\tx\n").Should().Be(0);
    }

    [Test]
    public void ParseStatusField_Uid_ReturnsEffectiveUid()
    {
        EbpfPreflight.ParseStatusField("Uid:\t1000\t0\t1000\t1000\n", "Uid:").Should().Be("0");
    }

    [Test]
    public void CapabilityProblems_AllCapabilities_None()
    {
        EbpfPreflight.CapabilityProblems("0", EbpfPreflight.ParseCapEff(RootStatus)).Should().BeEmpty();
    }

    [Test]
    public void CapabilityProblems_BpfAndPerfmonWithoutSysAdmin_None()
    {
        ulong caps = (1UL << EbpfPreflight.CapBpf) | (1UL << EbpfPreflight.CapPerfmon);
        EbpfPreflight.CapabilityProblems("1000", caps).Should().BeEmpty();
    }

    [Test]
    public void CapabilityProblems_OnlyBpf_NamesMissingPerfmon()
    {
        var problem = EbpfPreflight.CapabilityProblems("1000", 1UL << EbpfPreflight.CapBpf).Should().ContainSingle().Subject;
        problem.Problem.Should().Contain("not running as root").And.Contain("CAP_PERFMON").And.NotContain("CAP_BPF ");
        problem.Fix.Should().Contain("setcap");
    }

    [Test]
    public void CapabilityProblems_NoCapabilities_NamesBoth()
    {
        var problem = EbpfPreflight.CapabilityProblems("1000", 0).Should().ContainSingle().Subject;
        problem.Problem.Should().Contain("CAP_BPF and CAP_PERFMON");
    }

    [Test]
    public void TracefsProblem_NotMountedAndCannotMount_GivesMountCommand()
    {
        var problem = EbpfPreflight.TracefsProblem(EbpfPreflight.Tracefs.NotMounted, canMount: false);

        problem.Should().NotBeNull();
        problem!.Fix.Should().Contain("mount -t tracefs nodev /sys/kernel/tracing");
    }

    [Test]
    public void TracefsProblem_NotMountedButCanMount_None()
    {
        EbpfPreflight.TracefsProblem(EbpfPreflight.Tracefs.NotMounted, canMount: true).Should().BeNull();
    }

    [Test]
    public void TracefsProblem_NoSyscallEvents_NamesKernelOption()
    {
        EbpfPreflight.TracefsProblem(EbpfPreflight.Tracefs.NoSyscallEvents, canMount: true)!.Fix.Should().Contain("CONFIG_FTRACE_SYSCALLS");
    }

    [Test]
    public void Check_ThisMachine_FindsLibrariesAndBtf()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/sys/kernel/btf/vmlinux"))
        {
            Assert.Ignore("needs Linux with kernel BTF");
        }

        EbpfPreflight.Check().Should().NotContain(p => p.Problem.Contains("libpxbpf") || p.Problem.Contains("BTF"));
    }
}
