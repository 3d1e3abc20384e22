using PixieHost.Modules.Metadata;

namespace PixieHost.Tests.Kubernetes;

/// <summary>
/// A /proc for one real process whose files are the real ones (symlinks) except /proc/PID/cgroup: no container
/// runtime runs here, so a cgroup line recorded on a containerd node (systemd driver, cgroup v2) puts the process
/// into the frontend pod's nginx container. When the process already is in a container, its real cgroup is kept.
/// </summary>
public sealed class FakeProcRoot : IDisposable
{
    /// <summary>/proc/PID/cgroup of a container of the frontend pod, as containerd on a systemd-driver kubelet writes it.</summary>
    public const string RecordedCgroup =
        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f1c2a9e_8b7d_4c5e_9a1f_2d3e4f5a6b7c.slice/cri-containerd-"
        + KubeTestSupport.FrontendContainerId + ".scope\n";

    public FakeProcRoot(int pid)
    {
        Root = Directory.CreateTempSubdirectory("fake-proc-").FullName;
        File.CreateSymbolicLink(Path.Combine(Root, "stat"), "/proc/stat");
        var self = Environment.ProcessId.ToString();
        Directory.CreateSymbolicLink(Path.Combine(Root, self), $"/proc/{self}");
        var dir = Directory.CreateDirectory(Path.Combine(Root, pid.ToString())).FullName;
        foreach (var f in new[] { "stat", "cmdline", "comm", "environ", "io", "status" })
        {
            File.CreateSymbolicLink(Path.Combine(dir, f), $"/proc/{pid}/{f}");
        }

        foreach (var d in new[] { "ns", "net", "root" })
        {
            Directory.CreateSymbolicLink(Path.Combine(dir, d), $"/proc/{pid}/{d}");
        }

        var real = File.ReadAllText($"/proc/{pid}/cgroup");
        Cgroup = CgroupParser.Parse(real).InContainer ? real : RecordedCgroup;
        File.WriteAllText(Path.Combine(dir, "cgroup"), Cgroup);
        ContainerId = CgroupParser.Parse(Cgroup).ContainerId;
    }

    public string Root { get; }

    /// <summary>The cgroup file the process shows: its real one when in a container, else the recorded line.</summary>
    public string Cgroup { get; }

    public string ContainerId { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
