using PixieHost.Modules.QueryBroker;

namespace PixieHost.Tests.Support;

/// <summary>
/// A split vizier as real separate processes on loopback: one metadata, N pems (each with its own synthetic
/// http_events: seed i, agent short id i), one kelvin and one query broker, each `pixie serve --role X`.
/// </summary>
public sealed class VizierCluster : IDisposable
{
    /// <summary>Heartbeat period of every agent; the registry calls an agent unresponsive after three missed.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(200);

    private readonly List<ChildProcess> _all = [];

    private readonly string[] _everyRole;

    private VizierCluster(long rowsPerPem, long startNs, string[] everyRole)
    {
        RowsPerPem = rowsPerPem;
        StartNs = startNs;
        _everyRole = everyRole;
    }

    public long RowsPerPem { get; }

    public long StartNs { get; }

    public string MetadataAddress { get; } = Loopback();

    public string BrokerAddress { get; } = Loopback();

    public ChildProcess Metadata { get; private set; } = null!;

    public ChildProcess Kelvin { get; private set; } = null!;

    public ChildProcess Broker { get; private set; } = null!;

    public List<ChildProcess> Pems { get; } = [];

    /// <summary>Every process's output, for assertion messages.</summary>
    public string Output => string.Join("\n", _all.Select(p => $"--- pid {p.Pid} ---\n{p.Output}"));

    /// <param name="everyRole">Settings given to every process (e.g. Rpc:Tls:*).</param>
    public static VizierCluster Start(int pems, long rowsPerPem, long startNs, params string[] everyRole)
    {
        var cluster = new VizierCluster(rowsPerPem, startNs, everyRole);
        try
        {
            cluster.Metadata = cluster.StartMetadata();
            for (var i = 1; i <= pems; i++)
            {
                cluster.Pems.Add(cluster.StartRole(
                    "pem",
                    $"Hosting:AgentShortId={i}",
                    "Pem:EnableSocketTracer=false",
                    $"Pem:Synthetic:HttpEventsRows={rowsPerPem}",
                    $"Pem:Synthetic:Seed={i}",
                    $"Pem:Synthetic:StartNs={startNs}",
                    "TableStore:DataLimitMb=8000",
                    $"Agent:ListenAddress={Loopback()}"));
            }

            cluster.Kelvin = cluster.StartRole("kelvin", $"Agent:ListenAddress={Loopback()}", "Hosting:AgentShortId=100");
            cluster.Broker = cluster.StartRole("query-broker", $"QueryBroker:Api:Address={cluster.BrokerAddress}");
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public VizierClient Client() => new(new Uri("http://" + BrokerAddress));

    /// <summary>Kills the metadata process and starts a new one on the same address (with an empty registry).</summary>
    public void RestartMetadata()
    {
        Metadata.Dispose();
        _all.Remove(Metadata);
        Metadata = StartMetadata();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; false on timeout.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (Exception)
            {
                // Not yet (e.g. a role still starting): poll again.
            }

            await Task.Delay(100);
        }

        return false;
    }

    public void Dispose()
    {
        foreach (var p in _all)
        {
            p.Dispose();
        }
    }

    private ChildProcess StartMetadata() =>
        StartRole("metadata", $"MetadataService:ListenAddress={MetadataAddress}", $"MetadataService:HeartbeatInterval={Heartbeat:c}");

    private ChildProcess StartRole(string role, params string[] settings)
    {
        string[] common = [$"Hosting:StatusAddress={Loopback()}", $"Agent:MetadataAddress={MetadataAddress}", $"Agent:HeartbeatInterval={Heartbeat:c}"];
        var args = new List<string> { PixieProcess.PixieDll, "serve", "--role", role };
        foreach (var s in common.Concat(_everyRole).Concat(settings))
        {
            args.Add("--set");
            args.Add(s);
        }

        var p = ChildProcess.Start("dotnet", args);
        _all.Add(p);
        p.WaitFor("Press Ctrl+C", TimeSpan.FromSeconds(90));
        return p;
    }

    private static string Loopback() => $"127.0.0.1:{ChildProcess.FreePort()}";
}
