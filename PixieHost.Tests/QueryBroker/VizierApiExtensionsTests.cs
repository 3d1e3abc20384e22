using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.QueryBroker;

[TestFixture]
public sealed class VizierApiExtensionsTests
{
    [Test]
    public async Task ListenVizierApi_AddressFromConfiguration_ServesHealthCheckOverH2c()
    {
        var port = RpcTestHost.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["QueryBroker:Api:Address"] = $"127.0.0.1:{port}" });
        builder.Services.AddSingleton<IQueryExecutor>(new TestQueryExecutor()).AddVizierApi();
        builder.WebHost.UseKestrel(k => k.ListenVizierApi());
        await using var app = builder.Build();
        app.MapVizierApi();
        await app.StartAsync();

        using var client = new VizierClient(new Uri($"http://127.0.0.1:{port}"));
        var healthy = await client.HealthCheckAsync(new RpcCallOptions { Timeout = TimeSpan.FromSeconds(5) });

        healthy.Should().BeTrue();
        await app.StopAsync();
    }

    [Test]
    public void AddVizierApi_BadAddress_ValidationNamesTheSetting()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["QueryBroker:Api:Address"] = "broker:50300", ["QueryBroker:Api:MaxRowsPerBatch"] = "0" })
            .Build());
        services.AddVizierApi();
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<VizierApiOptions>>().Value;

        act.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.StartsWith("QueryBroker:Api:Address", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("QueryBroker:Api:MaxRowsPerBatch", StringComparison.Ordinal));
    }
}
