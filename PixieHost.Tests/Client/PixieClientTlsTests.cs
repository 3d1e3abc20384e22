using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Client;
using PixieHost.Tests.Support;
using Pb = PixieHost.Modules.Rpc.VizierApi;
using StatusCode = PixieHost.Client.StatusCode;

namespace PixieHost.Tests.Client;

/// <summary>The SDK over TLS (HTTP/2 with ALPN) to a host with a self-signed certificate, and health reports.</summary>
[TestFixture]
public sealed class PixieClientTlsTests
{
    private X509Certificate2 _certificate = null!;

    [OneTimeSetUp]
    public void CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    [OneTimeTearDown]
    public void DisposeCertificate() => _certificate.Dispose();

    [Test]
    public async Task RunScriptAsync_TlsWithPinnedCertificate_Works()
    {
        var service = new ScriptedVizierService
        {
            Handler = async (_, w, _) =>
            {
                await w.WriteAsync(ScriptedVizierService.Metadata("t1", "n", ("n", Pb.DataType.Int64)));
                await w.WriteAsync(ScriptedVizierService.Int64Batch("t1", eos: true, 42));
            },
        };
        await using var host = await RpcTestHost.StartAsync(s => s.AddSingleton(service), ScriptedVizierService.Map, _certificate);
        var thumbprint = _certificate.GetCertHashString();
        var options = new PixieClientOptions
        {
            UseTls = true,
            ServerCertificateValidation = (_, cert, _, _) => cert?.GetCertHashString() == thumbprint,
        };
        using var client = new PixieClient($"127.0.0.1:{host.Port}", options);

        var result = await client.RunScriptAsync("s");

        client.Address.Scheme.Should().Be("https");
        result["n"].Rows.Single().GetInt64("n").Should().Be(42);
    }

    [Test]
    public async Task RunScriptAsync_TlsUntrustedCertificate_Fails()
    {
        await using var host = await RpcTestHost.StartAsync(s => s.AddSingleton(new ScriptedVizierService()), ScriptedVizierService.Map, _certificate);
        using var client = new PixieClient($"https://127.0.0.1:{host.Port}");

        var act = () => client.RunScriptAsync("s");

        (await act.Should().ThrowAsync<PixieException>()).Which.Status.Should().Be(StatusCode.Unavailable);
    }

    [Test]
    public async Task RunScriptAsync_PlaintextClientToTlsServer_Fails()
    {
        await using var host = await RpcTestHost.StartAsync(s => s.AddSingleton(new ScriptedVizierService()), ScriptedVizierService.Map, _certificate);
        using var client = new PixieClient($"127.0.0.1:{host.Port}", new PixieClientOptions { Timeout = TimeSpan.FromSeconds(10) });

        var act = () => client.RunScriptAsync("s");

        await act.Should().ThrowAsync<PixieException>();
    }

    [TestCase(0, true)]
    [TestCase(14, false)]
    public async Task HealthCheckAsync_ServerReportsCode_HealthyOnlyWhenOk(int code, bool healthy)
    {
        await using var host = await RpcTestHost.StartAsync(s => s.AddSingleton(new ScriptedVizierService { HealthCode = code }), ScriptedVizierService.Map);
        using var client = new PixieClient(host.Address.ToString(), new PixieClientOptions { Timeout = TimeSpan.FromSeconds(10) });

        (await client.HealthCheckAsync()).Should().Be(healthy);
    }
}
