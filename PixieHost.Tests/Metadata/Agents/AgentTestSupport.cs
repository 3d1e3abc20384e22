using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PixieHost.Modules.Metadata.Agents;

namespace PixieHost.Tests.Metadata.Agents;

/// <summary>A metadata role on a loopback port: the real AddMetadataService/MapMetadataService over Kestrel.</summary>
public sealed class MetadataTestHost : IAsyncDisposable
{
    private MetadataTestHost(WebApplication app, int port)
    {
        App = app;
        Port = port;
    }

    public WebApplication App { get; }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public AgentRegistry Registry => App.Services.GetRequiredService<AgentRegistry>();

    /// <summary>Starts the metadata service on <paramref name="port"/> with a 200 ms heartbeat interval unless overridden.</summary>
    public static async Task<MetadataTestHost> StartAsync(int port, string interval = "00:00:00.200", string? unhealthyAfter = null, string expireAfter = "00:00:30")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?>
        {
            ["MetadataService:ListenAddress"] = $"127.0.0.1:{port}",
            ["MetadataService:HeartbeatInterval"] = interval,
            ["MetadataService:ExpireAfter"] = expireAfter,
        };
        if (unhealthyAfter is not null)
        {
            settings["MetadataService:UnhealthyAfter"] = unhealthyAfter;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMetadataService();
        var app = builder.Build();
        app.MapMetadataService();
        await app.StartAsync();
        return new MetadataTestHost(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}

/// <summary>Keeps every log line written through it, for tests that count warnings.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public IEnumerable<string> Messages(LogLevel level) => Entries.Where(e => e.Level == level).Select(e => e.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception)));
    }
}

/// <summary>Polls until a condition holds (agents heartbeat on real timers).</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> until, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await probe();
            if (until(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {within ?? TimeSpan.FromSeconds(10)}: {because}. Last value: {value}");
            }

            await Task.Delay(50);
        }
    }
}
