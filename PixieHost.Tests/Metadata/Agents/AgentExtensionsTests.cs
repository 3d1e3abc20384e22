using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Metadata.Agents;

[TestFixture]
public sealed class AgentExtensionsTests
{
    private static WebApplicationBuilder Builder(Dictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        return builder;
    }

    [TestCase(true)]
    [TestCase(false)]
    public void AddAgentRegistration_MetadataInTheSameProcess_UsesTheInProcessRegistry(bool metadataFirst)
    {
        var builder = Builder();
        if (metadataFirst)
        {
            builder.AddMetadataService();
        }

        builder.Services.AddAgentRegistration(AgentKind.Pem);
        if (!metadataFirst)
        {
            builder.AddMetadataService();
        }

        using var provider = builder.Services.BuildServiceProvider();

        provider.GetRequiredService<IAgentRegistry>().Should().BeSameAs(provider.GetRequiredService<AgentRegistry>());
    }

    [Test]
    public async Task StatusSources_StandaloneAgentAfterOneBeat_RegistryAndAgentShowOnStatusz()
    {
        var builder = Builder();
        builder.AddMetadataService();
        builder.Services.AddAgentRegistration(AgentKind.Kelvin);
        using var provider = builder.Services.BuildServiceProvider();
        var service = provider.GetServices<IHostedService>().OfType<AgentHeartbeatService>().Single();

        await service.BeatAsync(CancellationToken.None);

        var sources = provider.GetServices<PixieHost.Modules.Hosting.IStatusSource>().ToDictionary(s => s.Name);
        var registry = (System.Collections.IDictionary)sources["agent_registry"].Snapshot();
        registry.Keys.Cast<string>().Should().Equal(service.Agent.ToString());
        System.Text.Json.JsonSerializer.Serialize(sources["agent_kelvin"].Snapshot()).Should()
            .Contain("\"registrations\":1").And.Contain("\"metadata_reachable\":true");
    }

    [Test]
    public void AddAgentRegistryClient_NoMetadataModule_RemoteRegistryAtTheConfiguredAddress()
    {
        var builder = Builder(new() { ["Agent:MetadataAddress"] = "vizier-metadata:50401" });
        builder.Services.AddAgentRegistryClient();
        using var provider = builder.Services.BuildServiceProvider();

        provider.GetRequiredService<IAgentRegistry>().Should().BeOfType<RemoteAgentRegistry>()
            .Which.Address.Should().Be("vizier-metadata:50401");
    }

    [Test]
    public void AddAgentRegistration_PemAndKelvinAndPemAgain_TwoAgentsTwoHeartbeatServices()
    {
        var builder = Builder();
        builder.Services.AddAgentRegistration(AgentKind.Pem).AddAgentRegistration(AgentKind.Kelvin).AddAgentRegistration(AgentKind.Pem);
        using var provider = builder.Services.BuildServiceProvider();

        var services = provider.GetServices<IHostedService>().OfType<AgentHeartbeatService>().ToList();

        services.Select(s => s.Agent.Kind).Should().Equal(AgentKind.Pem, AgentKind.Kelvin);
        services[0].Agent.AgentId.Should().NotBe(services[1].Agent.AgentId);
        provider.GetRequiredService<LocalAgent>().Should().BeSameAs(provider.GetRequiredKeyedService<LocalAgent>(AgentKind.Pem));
    }

    [Test]
    public void AgentOptions_NoInterval_FollowsTheMetadataServiceInterval()
    {
        var builder = Builder(new() { ["MetadataService:HeartbeatInterval"] = "00:00:00.250" });
        builder.Services.AddAgentRegistryClient();
        using var provider = builder.Services.BuildServiceProvider();

        provider.GetRequiredService<IOptions<AgentOptions>>().Value.EffectiveHeartbeatInterval.Should().Be(TimeSpan.FromMilliseconds(250));
    }

    [Test]
    public void AgentOptions_BadValues_EachFailureNamesItsSetting()
    {
        var builder = Builder(new()
        {
            ["Agent:MetadataAddress"] = "http://metadata",
            ["Agent:ListenAddress"] = "pem:50500",
            ["Agent:AdvertiseAddress"] = "no-port",
            ["Agent:HeartbeatInterval"] = "00:00:00.001",
        });
        builder.Services.AddAgentRegistryClient();
        using var provider = builder.Services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<AgentOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().HaveCount(4).And.Satisfy(
            f => f.StartsWith("Agent:MetadataAddress", StringComparison.Ordinal),
            f => f.StartsWith("Agent:ListenAddress", StringComparison.Ordinal),
            f => f.StartsWith("Agent:AdvertiseAddress", StringComparison.Ordinal),
            f => f.StartsWith("Agent:HeartbeatInterval", StringComparison.Ordinal));
    }

    [TestCase("127.0.0.1:50500", "", "127.0.0.1:50500")]
    [TestCase("0.0.0.0:50500", "", "10.2.3.4:50500")]
    [TestCase("[::]:50500", "", "10.2.3.4:50500")]
    [TestCase("0.0.0.0:50500", "pem-0.pixie:50500", "pem-0.pixie:50500")]
    public void AdvertisedAddress_ListenAndAdvertise_WhatOthersDial(string listen, string advertise, string expected)
    {
        LocalAgent.AdvertisedAddress(new AgentOptions { ListenAddress = listen, AdvertiseAddress = advertise }, AgentKind.Pem, "10.2.3.4").Should().Be(expected);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void AddAgentStatusFromRegistry_BeforeOrAfterAddPxl_QueryExecutorListsTheRegistry(bool statusFirst)
    {
        var builder = Builder();
        builder.Services.AddSingleton(new Modules.TableStore.TableStore());
        builder.AddMetadataService();
        if (statusFirst)
        {
            builder.Services.AddAgentStatusFromRegistry();
        }

        builder.Services.AddPxl();
        if (!statusFirst)
        {
            builder.Services.AddAgentStatusFromRegistry();
        }

        using var provider = builder.Services.BuildServiceProvider();
        provider.GetRequiredService<IAgentStatusSource>().Should().BeOfType<RegistryAgentStatusSource>();
        provider.GetRequiredService<AgentRegistry>().Register(AgentRegistryTests.Pem(77, 12));

        var result = provider.GetRequiredService<QueryExecutor>().Execute(new QueryRequest("import px\npx.display(px.GetAgentStatus())\n"));

        ResultRows.Of(result.Tables.Single()).Should().ContainSingle().Which["asid"].Should().Be(12L);
    }
}
