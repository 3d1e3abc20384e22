using System.Net;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Kubernetes;
using PixieHost.Tests.Metadata;
using static PixieHost.Tests.Kubernetes.TestCertificates;

namespace PixieHost.Tests.Kubernetes;

/// <summary>
/// kubeconfig and in-cluster configuration, and the credentials they yield, against <see cref="FakeKubernetesApi"/>
/// over HTTPS (a stand-in: no real API server can run here). Certificates are generated per test.
/// </summary>
[TestFixture]
public class KubeconfigTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("kubeconfig-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Config(string server, string clusterExtra, string user, string context = "dev") => $"""
        apiVersion: v1
        kind: Config
        preferences: {"{}"}
        current-context: {context}
        clusters:
        - name: other
          cluster:
            server: https://10.0.0.99:6443
        - name: kind-dev
          cluster:
            server: {server}
        {clusterExtra}
        contexts:
        - name: prod
          context:
            cluster: other
            user: nobody
        - name: dev
          context:
            cluster: kind-dev
            namespace: shop
            user: dev-user
        users:
        - name: nobody
          user:
            token: not-this-one
        - name: dev-user
          user:
        {user}
        """;

    [Test]
    public void Parse_TokenUser_ReadsCurrentContextsServerTokenAndNamespace()
    {
        var yaml = Config("https://127.0.0.1:43211", "    insecure-skip-tls-verify: true", "    token: eyJhbGciOiJSUzI1NiJ9.test-token");

        var config = Kubeconfig.Parse(yaml, _dir);

        config.Server.Should().Be(new Uri("https://127.0.0.1:43211"));
        config.Token!.Current().Should().Be("eyJhbGciOiJSUzI1NiJ9.test-token");
        config.Namespace.Should().Be("shop");
        config.InsecureSkipTlsVerify.Should().BeTrue();
        config.ClientCertificate.Should().BeNull();
    }

    [Test]
    public void Parse_NamedContext_UsesThatContextsClusterAndUser()
    {
        var config = Kubeconfig.Parse(Config("https://a:1", string.Empty, "    token: t"), _dir, context: "prod");

        config.Server.Should().Be(new Uri("https://10.0.0.99:6443"));
        config.Token!.Current().Should().Be("not-this-one");
        config.Namespace.Should().Be("default");
    }

    [Test]
    public void Parse_ClientCertificateData_LoadsTheCertificateWithItsKey()
    {
        using var certs = new TestCertificates();
        var yaml = Config("https://localhost:6443", $"    certificate-authority-data: {B64(certs.CaPem)}",
            $"    client-certificate-data: {B64(certs.ClientCertPem)}\n    client-key-data: {B64(certs.ClientKeyPem)}");

        var config = Kubeconfig.Parse(yaml, _dir);

        config.ClientCertificate!.Subject.Should().Contain("CN=pixie-test-user");
        config.ClientCertificate.HasPrivateKey.Should().BeTrue();
        config.CertificateAuthorities!.Single().Thumbprint.Should().Be(certs.Ca.Thumbprint);
        config.Token.Should().BeNull();
    }

    [Test]
    public void Load_CertificateFiles_AreRelativeToTheKubeconfigsDirectory()
    {
        using var certs = new TestCertificates();
        Directory.CreateDirectory(Path.Combine(_dir, "pki"));
        File.WriteAllText(Path.Combine(_dir, "pki", "ca.crt"), certs.CaPem);
        File.WriteAllText(Path.Combine(_dir, "pki", "user.crt"), certs.ClientCertPem);
        File.WriteAllText(Path.Combine(_dir, "pki", "user.key"), certs.ClientKeyPem);
        var path = Path.Combine(_dir, "config");
        File.WriteAllText(path, Config("https://localhost:6443", "    certificate-authority: pki/ca.crt", "    client-certificate: pki/user.crt\n    client-key: pki/user.key"));

        var config = Kubeconfig.Load(path);

        config.ClientCertificate!.Thumbprint.Should().Be(certs.Client.Thumbprint);
        config.CertificateAuthorities!.Single().Thumbprint.Should().Be(certs.Ca.Thumbprint);
    }

    [Test]
    public async Task Client_KubeconfigWithCaAndClientCertificate_ListsOverMutualTls()
    {
        using var certs = new TestCertificates();
        await using var api = (await FakeKubernetesApi.StartAsync(certs.Server, requireClientCertificate: true)).LoadAll();
        var yaml = Config(api.Address.ToString(), $"    certificate-authority-data: {B64(certs.CaPem)}",
            $"    client-certificate-data: {B64(certs.ClientCertPem)}\n    client-key-data: {B64(certs.ClientKeyPem)}");
        using var client = new KubernetesApiClient(Kubeconfig.Parse(yaml, _dir));

        var page = await client.ListPageAsync<Node>(KubeResource.Nodes, 10, null, null, CancellationToken.None);

        page.Items.Select(n => n.Metadata.Name).Should().Equal("node-1", "node-2");
        api.Requests.Single().ClientCertificateSubject.Should().Contain("CN=pixie-test-user");
    }

    [Test]
    public async Task Client_ServerCertificateFromAnotherCa_IsRejected()
    {
        using var certs = new TestCertificates();
        using var otherCa = new TestCertificates();
        await using var api = await FakeKubernetesApi.StartAsync(certs.Server);
        var yaml = Config(api.Address.ToString(), $"    certificate-authority-data: {B64(otherCa.CaPem)}", "    token: t");
        using var client = new KubernetesApiClient(Kubeconfig.Parse(yaml, _dir));

        var act = () => client.ListPageAsync<Node>(KubeResource.Nodes, 10, null, null, CancellationToken.None);

        await act.Should().ThrowAsync<HttpRequestException>();
        api.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task Client_Token_IsSentAsBearerHeaderAndAWrongOneGets401()
    {
        await using var api = (await FakeKubernetesApi.StartAsync()).LoadAll();
        api.RequiredToken = "sa-token-1";
        using var good = KubeTestSupport.ApiClient(api, "sa-token-1");
        using var bad = KubeTestSupport.ApiClient(api, "stale");

        var (items, rv) = await good.ListAllAsync<Service>(KubeResource.Services, 500, null, CancellationToken.None);
        var act = () => bad.ListPageAsync<Service>(KubeResource.Services, 500, null, null, CancellationToken.None);

        items.Should().HaveCount(3);
        rv.Should().Be(api.CurrentRv.ToString());
        (await act.Should().ThrowAsync<KubeApiException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        api.Requests.Select(r => r.Authorization).Should().Equal("Bearer sa-token-1", "Bearer stale");
    }

    [Test]
    public void Parse_ExecPluginUser_FailsNamingThePlugin()
    {
        var yaml = Config("https://a:1", string.Empty, "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws");

        var act = () => Kubeconfig.Parse(yaml, _dir);

        act.Should().Throw<NotSupportedException>().WithMessage("*dev-user*exec*");
    }

    [Test]
    public void Parse_UnknownContext_FailsNamingIt()
    {
        var act = () => Kubeconfig.Parse(Config("https://a:1", string.Empty, "    token: t"), _dir, "staging");

        act.Should().Throw<FormatException>().WithMessage("*context named 'staging'*");
    }

    [Test]
    public void InCluster_ServiceAccountFiles_GiveServerCaNamespaceAndARotatingToken()
    {
        using var certs = new TestCertificates();
        File.WriteAllText(Path.Combine(_dir, "token"), "token-before-rotation\n");
        File.WriteAllText(Path.Combine(_dir, "ca.crt"), certs.CaPem);
        File.WriteAllText(Path.Combine(_dir, "namespace"), "pl");
        var (host, port) = (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"), Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT"));
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", "443");
        try
        {
            KubernetesClientConfig.IsInCluster(_dir).Should().BeTrue();
            var config = KubernetesClientConfig.InCluster(_dir);

            config.Server.Should().Be(new Uri("https://10.96.0.1:443"));
            config.Namespace.Should().Be("pl");
            config.CertificateAuthorities!.Single().Thumbprint.Should().Be(certs.Ca.Thumbprint);
            config.Token!.Current().Should().Be("token-before-rotation");
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", host);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", port);
        }
    }

    [Test]
    public void TokenSource_FileRotated_IsReReadAfterTheRecheckInterval()
    {
        var path = Path.Combine(_dir, "token");
        File.WriteAllText(path, "first");
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var token = TokenSource.FromFile(path, time);
        token.Current().Should().Be("first");

        File.WriteAllText(path, "second");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var beforeRecheck = token.Current();
        time.Advance(TimeSpan.FromSeconds(6));

        beforeRecheck.Should().Be("first", "the file is checked at most every 5 s");
        token.Current().Should().Be("second");
    }
}
