using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pem;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Metadata.Agents;

[TestFixture]
public sealed class AgentHeartbeatServiceTests
{
    private static async Task<IHost> StartAgentAsync(string metadataAddress, TableStore? store = null, RecordingLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:MetadataAddress"] = metadataAddress,
            ["Agent:HeartbeatInterval"] = "00:00:00.200",
            ["Agent:ListenAddress"] = "127.0.0.1:50611",
            ["Agent:RpcTimeout"] = "00:00:01",
            ["Hosting:AgentShortId"] = "9",
        });
        builder.Services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.Section);
        if (store is not null)
        {
            builder.Services.AddSingleton(store);
        }

        builder.Services.AddAgentRegistration(AgentKind.Pem);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static TableStore StoreWith(params TableSchema[] schemas)
    {
        var store = new TableStore();
        foreach (var s in schemas)
        {
            store.GetOrAdd(s);
        }

        return store;
    }

    private static async Task StopAsync(IHost host)
    {
        await host.StopAsync(TimeSpan.FromSeconds(5));
        host.Dispose();
    }

    [Test]
    public async Task Start_RemoteMetadata_RegistersWithItsTablesThenHeartbeats()
    {
        await using var metadata = await MetadataTestHost.StartAsync(RpcTestHost.FreePort());
        using var logs = new RecordingLoggerProvider();
        var host = await StartAgentAsync(metadata.Address, StoreWith(PemSchemas.HttpEvents, PemSchemas.ProcessStats), logs);
        try
        {
            var local = host.Services.GetRequiredService<LocalAgent>();
            var first = await Eventually.GetAsync(() => Task.FromResult(metadata.Registry.ListAgents()), a => a.Count == 1, because: "the agent registers");

            var agent = first.Single();
            agent.AgentId.Should().Be(local.AgentId);
            agent.Registration.Asid.Should().Be(9u);
            agent.Kind.Should().Be(AgentKind.Pem);
            agent.Registration.RpcAddress.Should().Be("127.0.0.1:50611");
            agent.Registration.Tables.Should().BeEquivalentTo("http_events", "process_stats");

            var later = await Eventually.GetAsync(
                () => Task.FromResult(metadata.Registry.ListAgents().Single()), a => a.LastHeartbeatNs > agent.LastHeartbeatNs + 300_000_000, because: "heartbeats move the last heartbeat");
            later.State.Should().Be(AgentState.Healthy);
            later.RegisteredNs.Should().Be(agent.RegisteredNs, "heartbeats do not re-register");
        }
        finally
        {
            await StopAsync(host);
        }

        logs.Entries.Should().NotContain(e => e.Level >= LogLevel.Warning, "a healthy run and a clean stop log no warning");
        logs.Messages(LogLevel.Information).Should().ContainSingle(m => m.StartsWith($"registered with the metadata service at {metadata.Address} as pem 9 (", StringComparison.Ordinal));
    }

    [Test]
    public async Task Stop_Agent_MarkedUnresponsiveAfterThreeIntervals()
    {
        await using var metadata = await MetadataTestHost.StartAsync(RpcTestHost.FreePort());
        var host = await StartAgentAsync(metadata.Address);
        await Eventually.GetAsync(() => Task.FromResult(metadata.Registry.ListAgents()), a => a.Count == 1, because: "the agent registers");

        await StopAsync(host);

        var agents = await Eventually.GetAsync(
            () => Task.FromResult(metadata.Registry.ListAgents()), a => a.Single().State == AgentState.Unresponsive, because: "a stopped agent stops heartbeating");
        agents.Single().Registration.Asid.Should().Be(9u);
    }

    [Test]
    public async Task MetadataRestart_SamePort_AgentRegistersAgainAndWarnsOnce()
    {
        var port = RpcTestHost.FreePort();
        using var logs = new RecordingLoggerProvider();
        var first = await MetadataTestHost.StartAsync(port);
        var host = await StartAgentAsync(first.Address, logs: logs);
        try
        {
            var id = host.Services.GetRequiredService<LocalAgent>().AgentId;
            await Eventually.GetAsync(() => Task.FromResult(first.Registry.ListAgents()), a => a.Count == 1, because: "the agent registers");

            await first.DisposeAsync();
            var service = host.Services.GetServices<IHostedService>().OfType<AgentHeartbeatService>().Single();
            await Eventually.GetAsync(() => Task.FromResult(service.MetadataReachable), r => !r, because: "heartbeats to a stopped metadata fail");
            await Task.Delay(1000); // about five more failed heartbeats, none of which may log again

            await using var second = await MetadataTestHost.StartAsync(port);

            var agents = await Eventually.GetAsync(() => Task.FromResult(second.Registry.ListAgents()), a => a.Count == 1, because: "the agent re-registers with the new metadata");
            agents.Single().AgentId.Should().Be(id);
            agents.Single().State.Should().Be(AgentState.Healthy);
            await Eventually.GetAsync(() => Task.FromResult(service.MetadataReachable), r => r, because: "the next heartbeat succeeds");
            logs.Messages(LogLevel.Warning).Should().ContainSingle()
                .Which.Should().StartWith($"metadata service at {first.Address} unreachable: ").And.EndWith("; retrying every 0.2 s");
            logs.Messages(LogLevel.Information).Should().Contain(m => m.Contains("does not know pem 9", StringComparison.Ordinal))
                .And.Contain($"metadata service at {first.Address} reachable again");
        }
        finally
        {
            await StopAsync(host);
        }
    }
}
