namespace PixieHost.Tests.Support;

/// <summary>
/// A private PostgreSQL 15 (Debian's /usr/lib/postgresql/15) in a temp dir: initdb with trust auth, the server on
/// a free 127.0.0.1 port with its unix socket in the same dir, run as the postgres user (it refuses root).
/// Dispose kills it and deletes the dir.
/// </summary>
public sealed class PgsqlServer : IDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";

    private readonly ChildProcess _server;

    private PgsqlServer(string dir, int port, ChildProcess server)
    {
        Dir = dir;
        Port = port;
        _server = server;
    }

    public string Dir { get; }

    public int Port { get; }

    public static bool IsInstalled => File.Exists(Path.Combine(BinDir, "postgres")) && File.Exists("/usr/bin/psql");

    public static PgsqlServer Start()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pixie-pgsql-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        Run("chown", ["postgres:postgres", dir]);
        var data = Path.Combine(dir, "data");
        var (code, output) = ChildProcess.Run("runuser",
            ["-u", "postgres", "--", Path.Combine(BinDir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                "--locale=C", "--no-sync"], TimeSpan.FromSeconds(120));
        if (code != 0)
        {
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException($"initdb failed ({code}):\n{output}");
        }

        var port = ChildProcess.FreePort();
        var server = ChildProcess.Start("runuser",
            ["-u", "postgres", "--", Path.Combine(BinDir, "postgres"), "-D", data, "-p", port.ToString(), "-k", dir,
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "ssl=off", "-c", "shared_buffers=16MB",
                "-c", "max_connections=20"]);
        try
        {
            server.WaitFor("ready to accept connections", TimeSpan.FromSeconds(60));
        }
        catch
        {
            server.Dispose();
            Directory.Delete(dir, recursive: true);
            throw;
        }

        return new PgsqlServer(dir, port, server);
    }

    /// <summary>Runs psql against <paramref name="port"/> (the server's or a proxy's) with <paramref name="args"/>.</summary>
    public static (int Code, string Output) Psql(int port, params string[] args) =>
        ChildProcess.Run("psql", ["-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", "-d", "postgres", "-X", .. args],
            TimeSpan.FromSeconds(60));

    /// <summary>Runs pgbench against <paramref name="port"/> with <paramref name="args"/>.</summary>
    public static (int Code, string Output) Pgbench(int port, params string[] args) =>
        ChildProcess.Run(Path.Combine(BinDir, "pgbench"), ["-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", .. args, "postgres"],
            TimeSpan.FromSeconds(120));

    public string ConnectionString(int port) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;SSL Mode=Disable;Pooling=false;Timeout=30";

    public void Dispose()
    {
        _server.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Run(string file, string[] args)
    {
        var (code, output) = ChildProcess.Run(file, args, TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output}");
        }
    }
}
