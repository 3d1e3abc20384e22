using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Metadata;

[TestFixture]
public class LocalMetadataExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddSingleton(MetadataTestData.Store(1_900_000_000_000_000_000, [MetadataTestData.Self]))
            .Configure<HostingOptions>(o => o.AgentShortId = MetadataTestData.Asid)
            .AddLocalMetadata()
            .AddPxl()
            .BuildServiceProvider();

    [Test]
    public async Task AddLocalMetadata_WithAddPxl_CtxAnswersFromThisHost()
    {
        using var services = Build(new() { ["Metadata:HostNamespace"] = "bare", ["Metadata:NodeName"] = "node-a" });
        var executor = services.GetRequiredService<IQueryExecutor>();

        var result = await executor.ExecuteAsync(new QueryRequest(
            "import px\ndf = px.DataFrame('process_stats', start_time=0)\ndf.cmd = df.ctx['cmdline']\ndf.node = df.ctx['node']\ndf.ns = df.ctx['namespace']\npx.display(df)"));

        var row = ResultRows.Of(result.Tables.Single()).First();
        row["cmd"].Should().Be(File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Replace('\0', ' '));
        row["node"].Should().Be("node-a");
        row["ns"].Should().Be("bare", "the test runner is a plain process of this host");
        services.GetServices<IHostedService>().Should().ContainSingle(s => s is LocalMetadataRefreshService);
    }

    [Test]
    public async Task RefreshService_Running_RecordsProcessesOfThisHost()
    {
        var options = new LocalMetadataOptions { RefreshIntervalMs = 100 };
        var provider = MetadataTestData.Provider(options);
        using var service = new LocalMetadataRefreshService(provider, Options.Create(options),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LocalMetadataRefreshService>.Instance);

        await service.StartAsync(CancellationToken.None);
        for (var i = 0; i < 100 && provider.ProcessCount < 2; i++)
        {
            await Task.Delay(20);
        }

        await service.StopAsync(CancellationToken.None);
        // Processes come and go meanwhile (other builds on this machine), so not an exact count.
        var pids = Directory.EnumerateDirectories("/proc").Count(d => int.TryParse(Path.GetFileName(d), out _));
        provider.ProcessCount.Should().BeGreaterThan(pids / 2, "the scan records the processes of /proc");
        provider.FindProcess(MetadataTestData.Self).Should().NotBeNull();
    }

    [Test]
    public void AddLocalMetadata_EmptyNamespace_FailsValidationNamingTheSetting()
    {
        using var services = Build(new() { ["Metadata:ContainerNamespace"] = string.Empty });

        var act = () => services.GetRequiredService<IOptions<LocalMetadataOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*Metadata:ContainerNamespace*");
    }
}
