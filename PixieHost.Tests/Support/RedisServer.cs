namespace PixieHost.Tests.Support;

/// <summary>
/// A private redis-server (Debian's) on a free loopback port, persistence off, data dir in a temp dir; killed on
/// dispose. <see cref="Cli"/> runs the real redis-cli against any port (the server's or a recording proxy's).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly string _dir;
    private readonly ChildProcess _process;

    private RedisServer(string dir, ChildProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static RedisServer Start()
    {
        var port = ChildProcess.FreePort();
        var dir = Directory.CreateTempSubdirectory("pixie-redis-").FullName;
        var p = ChildProcess.Start("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--enable-debug-command", "yes"], dir);
        var server = new RedisServer(dir, p, port);
        try
        {
            p.WaitFor("Ready to accept connections", Timeout);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>Runs <c>redis-cli -p port args…</c> to completion; returns its output (throws when it fails).</summary>
    public static string Cli(int port, params string[] args)
    {
        var (code, output) = ChildProcess.Run("redis-cli", ["-p", port.ToString(), .. args], Timeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', args)} exited {code}: {output}");
        }

        return output;
    }

    /// <summary>Pipes <paramref name="stdin"/> into <c>redis-cli -p port args…</c> (e.g. --pipe, or commands one per line).</summary>
    public static string CliWithInput(int port, string stdin, params string[] args)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, stdin);
            var cmd = $"redis-cli -p {port} {string.Join(' ', args)} < '{file}'";
            var (code, output) = ChildProcess.Run("bash", ["-c", cmd], Timeout);
            if (code != 0)
            {
                throw new InvalidOperationException($"{cmd} exited {code}: {output}");
            }

            return output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Starts a long-running redis-cli (SUBSCRIBE); the caller disposes it.</summary>
    public static ChildProcess CliBackground(int port, params string[] args) => ChildProcess.Start("redis-cli", ["-p", port.ToString(), .. args]);

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
