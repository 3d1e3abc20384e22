using System.Net.Http.Json;
using System.Text.Json;

namespace PixieHost.Tests.Support;

/// <summary>`pixie serve` as a real separate process on free loopback ports, and `pixie run` against it.</summary>
public sealed class PixieProcess : IDisposable
{
    private readonly ChildProcess _process;

    private PixieProcess(ChildProcess process, string queryAddr, string statusAddr)
    {
        _process = process;
        QueryAddress = queryAddr;
        StatusAddress = statusAddr;
    }

    public string QueryAddress { get; }

    public string StatusAddress { get; }

    public int Pid => _process.Pid;

    public string Output => _process.Output;

    public static string PixieDll => Path.Combine(AppContext.BaseDirectory, "pixie.dll");

    public static PixieProcess Start(bool waitForTracer, params string[] extra) => StartWrapped(waitForTracer, [], extra);

    /// <summary>Starts pixie as root but with every capability dropped (setpriv), as a pod without privileges would run.</summary>
    public static PixieProcess StartWithoutCapabilities() =>
        StartWrapped(false, ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all"], []);

    private static PixieProcess StartWrapped(bool waitForTracer, string[] wrapper, string[] extra)
    {
        var q = $"127.0.0.1:{ChildProcess.FreePort()}";
        var s = $"127.0.0.1:{ChildProcess.FreePort()}";
        string[] args = [PixieDll, "serve", "--set", $"QueryBroker:Api:Address={q}", "--set", $"Hosting:StatusAddress={s}", "--set", "Pem:SocketTracer:PushInterval=00:00:00.200", .. extra];
        var p = wrapper.Length == 0 ? ChildProcess.Start("dotnet", args) : ChildProcess.Start(wrapper[0], [.. wrapper[1..], "dotnet", .. args]);
        try
        {
            p.WaitFor("Press Ctrl+C", TimeSpan.FromSeconds(60));
            if (waitForTracer)
            {
                p.WaitFor("socket tracer attached", TimeSpan.FromSeconds(60));
            }
        }
        catch
        {
            p.Dispose();
            throw;
        }

        return new PixieProcess(p, q, s);
    }

    /// <summary>Runs `pixie run` with the given arguments against this server and returns (exit code, output).</summary>
    public (int Code, string Output) Run(params string[] args) =>
        ChildProcess.Run("dotnet", [PixieDll, "run", "--addr", QueryAddress, .. args], TimeSpan.FromSeconds(60));

    /// <summary>Runs a PxL script with `-o json` and returns its rows (one JSON object per line, `_table` included).</summary>
    public List<JsonElement> Query(string pxl)
    {
        var file = Path.Combine(Path.GetTempPath(), $"pixie-test-{Guid.NewGuid():N}.pxl");
        File.WriteAllText(file, pxl);
        try
        {
            var (code, output) = Run("-f", file, "-o", "json");
            if (code != 0)
            {
                throw new InvalidOperationException($"pixie run failed ({code}):\n{output}\nserver output:\n{Output}");
            }

            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.TrimStart().StartsWith('{'))
                .Select(l => JsonDocument.Parse(l).RootElement.Clone())
                .ToList();
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async Task<JsonElement> StatusAsync()
    {
        using var http = new HttpClient();
        return await http.GetFromJsonAsync<JsonElement>($"http://{StatusAddress}/statusz").ConfigureAwait(false);
    }

    public void Dispose() => _process.Dispose();
}
