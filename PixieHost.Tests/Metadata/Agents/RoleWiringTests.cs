using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Tests.Pxl.Support;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Metadata.Agents;

/// <summary>
/// The registry wired into roles through the real <see cref="RoleHost"/>, with the modules the role table should
/// carry (see the report: metadata; pem and kelvin as agents; the query broker reading agent status).
/// </summary>
[TestFixture]
public sealed class RoleWiringTests
{
    private static readonly Dictionary<string, PixieModule[]> Roles = new(StringComparer.Ordinal)
    {
        ["metadata"] = [new("metadata", b => b.AddMetadataService(), app => app.MapMetadataService())],
        ["pem"] = [ModuleCatalog.TableStore, new("pem-agent", b => b.Services.AddAgentRegistration(AgentKind.Pem))],
        ["kelvin"] = [new("kelvin-agent", b => b.Services.AddAgentRegistration(AgentKind.Kelvin))],
        ["query-broker"] = [ModuleCatalog.TableStore, new("query-broker", b =>
        {
            b.AddQueryBroker();
            b.Services.AddAgentStatusFromRegistry();
        }, app => app.MapQueryBroker())],
    };

    private static WebApplication Build(int metadataPort, params string[] roles) => RoleHost.Build(
        new ServeSettings(roles, null,
        [
            $"Hosting:StatusAddress=127.0.0.1:{RpcTestHost.FreePort()}",
            $"QueryBroker:Api:Address=127.0.0.1:{RpcTestHost.FreePort()}",
            $"MetadataService:ListenAddress=127.0.0.1:{metadataPort}",
            $"Agent:MetadataAddress=127.0.0.1:{metadataPort}",
            "MetadataService:HeartbeatInterval=00:00:00.200",
            "Hosting:AgentShortId=5",
        ]),
        Roles);

    private static List<Dictionary<string, object?>> AgentStatus(WebApplication broker) =>
        ResultRows.Of(broker.Services.GetRequiredService<QueryExecutor>().Execute(new QueryRequest("import px\npx.display(px.GetAgentStatus())\n")).Tables.Single());

    [Test]
    public async Task SeparateRoles_PemKelvinBrokerAndMetadata_BrokerSeesBothAgents()
    {
        var port = RpcTestHost.FreePort();
        await using var metadata = Build(port, "metadata");
        await using var pem = Build(port, "pem");
        await using var kelvin = Build(port, "kelvin");
        await using var broker = Build(port, "query-broker");
        foreach (var app in new[] { metadata, pem, kelvin, broker })
        {
            await app.StartAsync();
        }

        var rows = await Eventually.GetAsync(() => Task.FromResult(AgentStatus(broker)), r => r.Count == 2, because: "pem and kelvin register");

        rows.Should().OnlyContain(r => (string)r["agent_state"]! == "AGENT_STATE_HEALTHY" && (long)r["asid"]! == 5);
        broker.Services.GetRequiredService<IAgentRegistry>().Should().BeOfType<RemoteAgentRegistry>();
        metadata.Services.GetRequiredService<AgentRegistry>().ListAgents().Select(a => a.Kind).Should().Equal(AgentKind.Pem, AgentKind.Kelvin);
        metadata.Services.GetRequiredService<AgentRegistry>().ListAgents()[0].Registration.Tables.Should().Contain("http_events");

        await pem.StopAsync();
        await Eventually.GetAsync(() => Task.FromResult(AgentStatus(broker)), r => r.Any(a => (string)a["agent_state"]! == "AGENT_STATE_UNRESPONSIVE"), because: "the stopped pem misses heartbeats");
        foreach (var app in new[] { broker, kelvin, metadata })
        {
            await app.StopAsync();
        }
    }

    [Test]
    public async Task Standalone_AllRolesInOneProcess_AgentsUseTheInProcessRegistry()
    {
        await using var app = Build(RpcTestHost.FreePort());
        await app.StartAsync();

        var rows = await Eventually.GetAsync(() => Task.FromResult(AgentStatus(app)), r => r.Count == 2, because: "pem and kelvin register in process");

        app.Services.GetRequiredService<IAgentRegistry>().Should().BeSameAs(app.Services.GetRequiredService<AgentRegistry>());
        rows.Select(r => r["hostname"]).Should().OnlyContain(h => (string)h! == Environment.MachineName);
        app.Services.GetServices<IListenerDescription>().Select(l => l.Describe()).Should().Contain(d => d.StartsWith("metadata (gRPC, agent registry): 127.0.0.1:", StringComparison.Ordinal));
        await app.StopAsync();
    }
}
