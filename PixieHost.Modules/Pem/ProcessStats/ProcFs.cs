namespace PixieHost.Modules.Pem.ProcessStats;

/// <summary>Small readers over /proc (or a host /proc mounted elsewhere, as PL_HOST_PATH in Pixie).</summary>
public sealed class ProcFs(string root = "/proc")
{
    /// <summary>Linux USER_HZ: the unit of utime, stime and starttime. 100 on every mainstream architecture.</summary>
    public const long ClockTicksPerSecond = 100;

    public string Root { get; } = root;

    public static ProcFs Default { get; } = new();

    public IEnumerable<int> Pids()
    {
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(dir.AsSpan());
            if (int.TryParse(name, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Reads stat and io of one process; false when it exited meanwhile.</summary>
    public bool TryRead(int pid, Span<byte> buffer, out ProcStat stat)
    {
        stat = default;
        var n = ReadFile($"{Root}/{pid}/stat", buffer);
        if (n <= 0 || !ProcStat.TryParseStat(buffer[..n], out stat))
        {
            return false;
        }

        n = ReadFile($"{Root}/{pid}/io", buffer);
        if (n > 0)
        {
            ProcStat.ParseIo(buffer[..n], ref stat);
        }

        return true;
    }

    /// <summary>Field 22 of /proc/PID/stat (clock ticks since boot), the third part of a UPID; null if the process is gone.</summary>
    public ulong? StartTimeTicks(int pid)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var n = ReadFile($"{Root}/{pid}/stat", buffer);
        return n > 0 && ProcStat.TryParseStat(buffer[..n], out var s) ? s.StartTimeTicks : null;
    }

    private static int ReadFile(string path, Span<byte> buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            return RandomAccess.Read(handle, buffer, 0);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
