using System.Diagnostics;
using System.Net.Sockets;

namespace PixieHost.Tests.Support;

/// <summary>
/// A private MariaDB server (Debian's mariadb-server) for protocol tests: a fresh data directory under /tmp, a free
/// loopback port, no grant tables (any user logs in), run as <c>nobody</c> because mariadbd refuses root. Killed and
/// its directory removed on dispose. <see cref="Client"/> runs the real <c>mariadb</c> command-line client.
/// </summary>
public sealed class MysqlServer : IDisposable
{
    private readonly string _dir;
    private readonly ChildProcess _server;

    private MysqlServer(string dir, int port, ChildProcess server)
    {
        _dir = dir;
        Port = port;
        _server = server;
    }

    public int Port { get; }

    /// <summary>Whether mariadbd and the client are installed (setup installs them; tests are ignored otherwise).</summary>
    public static bool IsAvailable => File.Exists(ServerBinary) && File.Exists("/usr/bin/mariadb") && File.Exists("/usr/bin/mariadb-install-db");

    private static string ServerBinary => File.Exists("/usr/sbin/mariadbd") ? "/usr/sbin/mariadbd" : "/usr/sbin/mysqld";

    public static MysqlServer Start()
    {
        var dir = Path.Combine("/tmp", "pixie-mysql-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            ChildProcess.Run("/usr/bin/chown", ["nobody", dir], TimeSpan.FromSeconds(10));
        }

        var install = Wrap(asRoot, "/usr/bin/mariadb-install-db",
            ["--no-defaults", $"--datadir={dir}/data", "--auth-root-authentication-method=normal", "--skip-test-db"]);
        var (code, output) = ChildProcess.Run(install.File, install.Args, TimeSpan.FromSeconds(120));
        if (code != 0)
        {
            throw new InvalidOperationException($"mariadb-install-db failed ({code}):\n{output}");
        }

        var port = ChildProcess.FreePort();
        var run = Wrap(asRoot, ServerBinary,
        [
            "--no-defaults", $"--datadir={dir}/data", $"--socket={dir}/sock", $"--port={port}", "--bind-address=127.0.0.1",
            $"--pid-file={dir}/pid", "--skip-grant-tables", "--skip-name-resolve", "--innodb-buffer-pool-size=16M",
            "--skip-log-bin", "--character-set-server=utf8mb4",
        ]);
        var server = ChildProcess.Start(run.File, run.Args);
        var s = new MysqlServer(dir, port, server);
        try
        {
            s.WaitReady(TimeSpan.FromSeconds(60));
        }
        catch
        {
            s.Dispose();
            throw;
        }

        return s;
    }

    /// <summary>Runs the <c>mariadb</c> client against <paramref name="port"/> (the server or a proxy in front of it) over TCP without TLS.</summary>
    public static (int Code, string Output) Client(int port, string sql, string? database = null)
    {
        List<string> args = ["--no-defaults", "-h", "127.0.0.1", "-P", port.ToString(), "--protocol=tcp", "--skip-ssl", "-u", "root", "-e", sql];
        if (database is not null)
        {
            args.Add(database);
        }

        return ChildProcess.Run("/usr/bin/mariadb", args, TimeSpan.FromSeconds(30));
    }

    /// <summary>A MySqlConnector connection string for <paramref name="port"/>: real COM_STMT_PREPARE on Prepare(), no TLS, no pool.</summary>
    public static string ConnectionString(int port, string database) =>
        $"Server=127.0.0.1;Port={port};User ID=root;Database={database};SslMode=None;IgnorePrepare=false;Pooling=false;AllowPublicKeyRetrieval=true";

    public void Dispose()
    {
        _server.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static (string File, List<string> Args) Wrap(bool asRoot, string file, List<string> args) =>
        asRoot ? ("/usr/sbin/runuser", ["-u", "nobody", "--", file, .. args]) : (file, args);

    private void WaitReady(TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (_server.HasExited)
            {
                throw new InvalidOperationException($"mariadbd exited:\n{_server.Output}");
            }

            try
            {
                using var c = new TcpClient();
                c.Connect("127.0.0.1", Port);
                var (code, _) = Client(Port, "SELECT 1");
                if (code == 0)
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException($"mariadbd did not accept connections in {timeout}:\n{_server.Output}");
    }
}
