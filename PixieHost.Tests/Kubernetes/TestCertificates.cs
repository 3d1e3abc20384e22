using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PixieHost.Tests.Kubernetes;

/// <summary>A throwaway CA, a server certificate for localhost it signs, and a self-signed client certificate.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caReq = new CertificateRequest("CN=pixie-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caReq.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverReq = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        serverReq.CertificateExtensions.Add(san.Build());
        serverReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverReq.Create(Ca, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4]);
        ServerCertPem = signed.ExportCertificatePem();
        ServerKeyPem = serverKey.ExportPkcs8PrivateKeyPem();
        // Through PKCS#12 so the key is usable by the TLS stack.
        Server = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pkcs12), null);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientReq = new CertificateRequest("CN=pixie-test-user, O=system:masters", clientKey, HashAlgorithmName.SHA256);
        clientReq.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        Client = clientReq.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        ClientKeyPem = clientKey.ExportPkcs8PrivateKeyPem();
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string CaPem => Ca.ExportCertificatePem();

    /// <summary>The server certificate (localhost, 127.0.0.1) and its key as PEM, for processes that load files.</summary>
    public string ServerCertPem { get; }

    public string ServerKeyPem { get; }

    public string ClientCertPem => Client.ExportCertificatePem();

    public string ClientKeyPem { get; }

    public static string B64(string pem) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pem));

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
    }
}
