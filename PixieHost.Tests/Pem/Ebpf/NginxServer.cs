using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PixieHost.Tests.Pem.Ebpf;

/// <summary>A single-process nginx (no master, so its pid is the one serving) answering "ok" on a free loopback port.</summary>
internal sealed class NginxServer : IDisposable
{
    private readonly string _dir;

    private NginxServer(string dir, Process process, int port)
    {
        _dir = dir;
        Process = process;
        Port = port;
    }

    public Process Process { get; }

    public int Port { get; }

    public uint Pid => (uint)Process.Id;

    public static NginxServer Start()
    {
        int port = FreePort();
        string dir = Directory.CreateTempSubdirectory("pixie-nginx-").FullName;
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log;
            events { worker_connections 256; }
            http {
                access_log off;
                sendfile off;
                client_body_temp_path {{dir}}/body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    location / { return 200 "ok"; }
                }
            }
            """);
        var process = Process.Start(new ProcessStartInfo("nginx", ["-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log")])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var server = new NginxServer(dir, process, port);
        server.WaitUntilListening();
        return server;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit(5000);
        }

        Process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException("nginx exited: " + Process.StandardError.ReadToEnd() + File.ReadAllText(Path.Combine(_dir, "error.log")));
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        throw new TimeoutException($"nginx did not listen on port {Port} within 10 s");
    }
}
