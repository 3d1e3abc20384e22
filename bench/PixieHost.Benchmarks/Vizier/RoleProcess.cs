using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PixieHost.Benchmarks.Vizier;

/// <summary>`dotnet pixie.dll serve ...` as a child process of the benchmark, killed on dispose.</summary>
public sealed class RoleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RoleProcess(Process process) => _process = process;

    public static string PixieDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "PixieHost", "bin", "Release", "net10.0", "pixie.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new FileNotFoundException("pixie.dll not found above the benchmark; build the solution first (./build.sh --target=Build).");
    }

    /// <summary>Starts `pixie serve --role <paramref name="role"/>` (null: standalone) and waits until it is serving.</summary>
    public static RoleProcess Start(string? role, params string[] settings)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(PixieDll());
        psi.ArgumentList.Add("serve");
        if (role is not null)
        {
            psi.ArgumentList.Add("--role");
            psi.ArgumentList.Add(role);
        }

        foreach (var s in settings.Append($"Hosting:StatusAddress={Loopback()}"))
        {
            psi.ArgumentList.Add("--set");
            psi.ArgumentList.Add(s);
        }

        var p = new RoleProcess(Process.Start(psi)!);
        p._process.OutputDataReceived += (_, e) => p.Append(e.Data);
        p._process.ErrorDataReceived += (_, e) => p.Append(e.Data);
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (!p.Output.Contains("Press Ctrl+C", StringComparison.Ordinal))
        {
            if (p._process.HasExited || sw.Elapsed > TimeSpan.FromMinutes(10))
            {
                var output = p.Output;
                p.Dispose();
                throw new InvalidOperationException($"pixie serve --role {role ?? "(standalone)"} did not start:\n{output}");
            }

            Thread.Sleep(100);
        }

        return p;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public long PeakWorkingSetBytes()
    {
        try
        {
            // VmHWM: the process's peak resident set.
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static string Loopback()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return $"127.0.0.1:{((IPEndPoint)l.LocalEndpoint).Port}";
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
