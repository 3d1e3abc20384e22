using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Metadata;

namespace PixieHost.Tests.Metadata;

[TestFixture]
public class CgroupParserTests
{
    private const string Id = "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899";
    private const string PodUid = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";

    [TestCase("0::/system.slice/docker-" + Id + ".scope", ContainerRuntime.Docker)]
    [TestCase("12:memory:/docker/" + Id + "\n11:pids:/docker/" + Id + "\n1:name=systemd:/docker/" + Id, ContainerRuntime.Docker)]
    [TestCase("0::/system.slice/containerd.service/cri-containerd-" + Id + ".scope", ContainerRuntime.Containerd)]
    [TestCase("0::/machine.slice/crio-" + Id + ".scope", ContainerRuntime.CriO)]
    [TestCase("0::/machine.slice/libpod-" + Id + ".scope/container", ContainerRuntime.Podman)]
    [TestCase("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + Id + ".scope/container", ContainerRuntime.Podman)]
    public void Parse_ContainerRuntimes_ReturnContainerIdAndRuntime(string file, ContainerRuntime runtime)
    {
        var info = CgroupParser.Parse(file);

        info.ContainerId.Should().Be(Id);
        info.Runtime.Should().Be(runtime);
        info.SystemdUnit.Should().BeEmpty("a container's processes are not the unit that runs the runtime");
        info.InKubernetesPod.Should().BeFalse();
    }

    [Test]
    public void Parse_KubepodsSystemdDriver_ReturnsPodUidWithDashes()
    {
        var info = CgroupParser.Parse("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + PodUid.Replace('-', '_') + ".slice/cri-containerd-" + Id + ".scope");

        info.PodUid.Should().Be(PodUid);
        info.ContainerId.Should().Be(Id);
        info.Runtime.Should().Be(ContainerRuntime.Containerd);
        info.InKubernetesPod.Should().BeTrue();
    }

    [Test]
    public void Parse_KubepodsCgroupfsV1_ReturnsPodUidAndBareId()
    {
        var info = CgroupParser.Parse($"11:cpu,cpuacct:/kubepods/besteffort/pod{PodUid}/{Id}\n1:name=systemd:/kubepods/besteffort/pod{PodUid}/{Id}");

        info.PodUid.Should().Be(PodUid);
        info.ContainerId.Should().Be(Id);
        info.Runtime.Should().Be(ContainerRuntime.Unknown);
    }

    [TestCase("0::/machine.slice/crio-conmon-" + Id + ".scope")]
    [TestCase("0::/machine.slice/libpod-conmon-" + Id + ".scope")]
    public void Parse_ConmonMonitor_IsNotAContainer(string file) =>
        CgroupParser.Parse(file).InContainer.Should().BeFalse();

    [TestCase("0::/system.slice/nginx.service", "nginx")]
    [TestCase("0::/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1")]
    [TestCase("0::/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service", "pipewire")]
    [TestCase("12:memory:/system.slice/sshd.service\n1:name=systemd:/system.slice/sshd.service\n0::/", "sshd")]
    public void Parse_SystemdService_ReturnsUnitName(string file, string unit)
    {
        var info = CgroupParser.Parse(file);

        info.SystemdUnit.Should().Be(unit);
        info.InContainer.Should().BeFalse();
    }

    [TestCase("0::/kubepods.slice/kubepods-besteffort.slice")]
    [TestCase("0::/user.slice/user-1000.slice/session-3.scope")]
    [TestCase("0::/")]
    [TestCase("")]
    public void Parse_NoUnitNoContainer_ReturnsEmpty(string file)
    {
        var info = CgroupParser.Parse(file);

        info.SystemdUnit.Should().BeEmpty();
        info.ContainerId.Should().BeEmpty();
        info.InKubernetesPod.Should().BeFalse();
    }

    [Test]
    public void Parse_IdOfWrongLength_IsNotAContainer() =>
        CgroupParser.Parse("0::/system.slice/docker-" + Id[..60] + ".scope").InContainer.Should().BeFalse();
}
