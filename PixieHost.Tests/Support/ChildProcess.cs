using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PixieHost.Tests.Support;

/// <summary>A real child process whose output is collected; killed (with its tree) on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

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

    public static ChildProcess Start(string file, IEnumerable<string> args, string? workDir = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(p);
        p.OutputDataReceived += (_, e) => child.Append(e.Data);
        p.ErrorDataReceived += (_, e) => child.Append(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; throws with the output so far on timeout or exit.</summary>
    public void WaitFor(string text, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || sw.Elapsed > timeout)
            {
                throw new InvalidOperationException(
                    $"'{_process.StartInfo.FileName}' {(_process.HasExited ? $"exited ({_process.ExitCode})" : "timed out")} before printing '{text}'. Output:\n{Output}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Runs a command to completion and returns (exit code, stdout+stderr).</summary>
    public static (int Code, string Output) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        using var c = Start(file, args);
        if (!c._process.WaitForExit(timeout))
        {
            throw new TimeoutException($"'{file} {string.Join(' ', args)}' did not finish in {timeout}. Output:\n{c.Output}");
        }

        c._process.WaitForExit();
        return (c._process.ExitCode, c.Output);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
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
