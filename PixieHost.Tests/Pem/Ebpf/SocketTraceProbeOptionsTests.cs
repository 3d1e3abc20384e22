using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Tests.Pem.Ebpf;

[TestFixture]
public sealed class SocketTraceProbeOptionsTests
{
    [Test]
    public void Validate_Defaults_Passes()
    {
        var options = new SocketTraceProbeOptions();

        options.Invoking(o => o.Validate()).Should().NotThrow();
        options.AgentTgid.Should().Be((uint)Environment.ProcessId);
    }

    [TestCase(4)]
    [TestCase(16385)]
    public void Validate_MaxCopyOutOfRange_NamesTheSetting(int maxCopy)
    {
        var options = new SocketTraceProbeOptions { MaxCopyBytes = maxCopy };

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxCopyBytes*");
    }

    [Test]
    public void Validate_WakeupAboveRing_NamesTheSetting()
    {
        var options = new SocketTraceProbeOptions { RingBufferBytes = 1 << 20, WakeupBytes = 2 << 20 };

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*WakeupBytes*");
    }

    [Test]
    public void Candidates_WithOverride_SearchesOverrideThenAppDirThenParents()
    {
        var candidates = NativeLibraryLocator.Candidates("/repo/PixieHost.Tests/bin", "/opt/libpxbpf.so").ToList();

        candidates[0].Should().Be("/opt/libpxbpf.so");
        candidates[1].Should().Be("/repo/PixieHost.Tests/bin/libpxbpf.so");
        candidates.Should().Contain("/repo/PixieHost.Ebpf.Native/out/libpxbpf.so");
        candidates.Should().EndWith("/PixieHost.Ebpf.Native/out/libpxbpf.so");
    }

    [Test]
    public void Describe_Eperm_TellsHowToGetPrivileges()
    {
        EbpfErrors.Describe("load", 1).Should().Contain("CAP_BPF").And.Contain("root");
    }
}
