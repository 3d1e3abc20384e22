using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Kubernetes;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pem.ProcessStats;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Metadata;
using PixieHost.Tests.Pxl.Support;
using static PixieHost.Tests.Kubernetes.KubeTestSupport;

namespace PixieHost.Tests.Kubernetes;

/// <summary>
/// AddKubernetesMetadata wired as a role would wire it, against <see cref="FakeKubernetesApi"/> through a
/// kubeconfig (no real cluster can run here): df.ctx answers a real process's pod from the API.
/// </summary>
[TestFixture]
public class KubernetesMetadataExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null, params UInt128[] upids)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddSingleton(MetadataTestData.Store(1_900_000_000_000_000_000, upids.Length > 0 ? upids : [MetadataTestData.Self]))
            .Configure<HostingOptions>(o => o.AgentShortId = MetadataTestData.Asid);
        before?.Invoke(services);
        return services.AddKubernetesMetadata().AddPxl().BuildServiceProvider();
    }

    [Test]
    public async Task AddKubernetesMetadata_KubeconfigToTheFakeApi_CtxAnswersThePodOfARealProcess()
    {
        using var sleep = MetadataTestData.StartSleep();
        using var proc = new FakeProcRoot(sleep.Pid);
        await using var api = (await FakeKubernetesApi.StartAsync()).LoadAll();
        api.RequiredToken = "role-token";
        api.Pods.Modify(FrontendPod, p => p["status"]!["containerStatuses"]![1]!["containerID"] = "containerd://" + proc.ContainerId);
        var dir = Directory.CreateTempSubdirectory("kubeconfig-").FullName;
        var kubeconfig = Path.Combine(dir, "config");
        File.WriteAllText(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            current-context: fake
            clusters:
            - name: fake
              cluster:
                server: {api.Address}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: pem
            users:
            - name: pem
              user:
                token: role-token
            """);
        var upid = MetadataTestData.UpidOf(sleep.Pid);
        using var services = Build(
            new() { ["Kubernetes:Kubeconfig"] = kubeconfig, ["Kubernetes:NodeName"] = "node-1" },
            s => s.AddSingleton(new LocalMetadataProvider(new LocalMetadataOptions(), MetadataTestData.Asid, proc: new ProcFs(proc.Root))),
            upid);
        var informerService = services.GetServices<IHostedService>().OfType<KubernetesInformerService>().Single();
        await informerService.StartAsync(CancellationToken.None);
        try
        {
            services.GetRequiredService<IMetadataProvider>().Should().BeOfType<KubernetesMetadataProvider>();
            var result = await services.GetRequiredService<IQueryExecutor>().ExecuteAsync(new QueryRequest(
                "import px\ndf = px.DataFrame('process_stats', start_time=0)\ndf.pod = df.ctx['pod']\ndf.svc = df.ctx['service']\n"
                + "df.ns = df.ctx['namespace']\ndf.node = df.ctx['node']\ndf.cmd = df.ctx['cmdline']\npx.display(df)"));

            var row = ResultRows.Of(result.Tables.Single()).First();
            row["pod"].Should().Be(FrontendPod);
            row["svc"].Should().Be("default/frontend");
            row["ns"].Should().Be("default");
            row["node"].Should().Be("node-1");
            row["cmd"].Should().Be("sleep 30");
            api.RequestsTo("/api/v1/pods", watch: false).Should().OnlyContain(r => r.Query["fieldSelector"] == "spec.nodeName=node-1");
            api.Requests.Should().OnlyContain(r => r.Authorization == "Bearer role-token");
        }
        finally
        {
            await informerService.StopAsync(CancellationToken.None);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void AddKubernetesMetadata_AutoOutsideAClusterWithoutKubeconfig_LeavesTheLocalProvider()
    {
        if (KubernetesClientConfig.IsInCluster())
        {
            Assert.Ignore("this host runs in a Kubernetes pod: auto turns Kubernetes metadata on");
        }

        using var services = Build([]);

        services.GetRequiredService<IMetadataProvider>().Should().BeOfType<LocalMetadataProvider>();
        services.GetRequiredService<KubernetesMetadataSwitch>().Enabled.Should().BeFalse();
    }

    [Test]
    public void AddKubernetesMetadata_EnabledFalse_LeavesTheLocalProviderEvenWithAKubeconfig()
    {
        using var services = Build(new() { ["Kubernetes:Enabled"] = "false", ["Kubernetes:Kubeconfig"] = "/nonexistent/config" });

        services.GetRequiredService<IMetadataProvider>().Should().BeOfType<LocalMetadataProvider>();
    }

    [Test]
    public void AddKubernetesMetadata_BadEnabledValue_FailsValidationNamingTheSetting()
    {
        using var services = Build(new() { ["Kubernetes:Enabled"] = "yes" });

        var act = () => services.GetRequiredService<IOptions<KubernetesOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*Kubernetes:Enabled*");
    }

    [Test]
    public void AddKubernetesMetadata_MissingKubeconfig_FailsNamingTheSetting()
    {
        using var services = Build(new() { ["Kubernetes:Enabled"] = "true", ["Kubernetes:Kubeconfig"] = "/nonexistent/config" });

        var act = () => services.GetRequiredService<IMetadataProvider>();

        act.Should().Throw<FileNotFoundException>().WithMessage("*Kubernetes:Kubeconfig*");
    }
}
