using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using PixieHost.Modules.Rpc.Client;

namespace PixieHost.Modules.Rpc;

/// <summary>
/// TLS for every gRPC listener of the process and for the vizier's internal calls (configuration section
/// <c>Rpc:Tls</c>). Off by default: inside a cluster the roles speak plaintext h2c, as Pixie's do behind its service mesh.
/// </summary>
public sealed class RpcTlsOptions
{
    public const string Section = "Rpc:Tls";

    /// <summary>PEM certificate (chain) the listeners present. Setting it turns TLS on, for listeners and internal clients.</summary>
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>PEM private key of <see cref="CertificateFile"/>.</summary>
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>
    /// PEM certificate(s) internal clients trust for the other roles (a private CA, or a self-signed certificate
    /// itself). Empty: the system's trust store.
    /// </summary>
    public string CaFile { get; set; } = string.Empty;

    public bool Enabled => CertificateFile.Length > 0;

    /// <summary>The section of <paramref name="configuration"/>, or the defaults (off) when there is none.</summary>
    public static RpcTlsOptions From(IConfiguration? configuration) =>
        configuration?.GetSection(Section).Get<RpcTlsOptions>() ?? new RpcTlsOptions();

    public X509Certificate2 LoadServerCertificate()
    {
        if (!File.Exists(CertificateFile) || !File.Exists(KeyFile))
        {
            throw new FileNotFoundException(
                $"{Section}:CertificateFile ('{CertificateFile}') and {Section}:KeyFile ('{KeyFile}') must both be readable PEM files; leave CertificateFile empty for plaintext h2c.");
        }

        return X509Certificate2.CreateFromPemFile(CertificateFile, KeyFile);
    }

    /// <summary><c>host:port</c> (or a URI) as the URI internal clients dial: https when TLS is on.</summary>
    public Uri ToUri(string address) =>
        address.Contains("://", StringComparison.Ordinal) ? new Uri(address) : new Uri((Enabled ? "https://" : "http://") + address);

    /// <summary>A channel to another role: TLS checked against <see cref="CaFile"/> when set.</summary>
    public RpcChannel CreateChannel(string address, RpcChannelOptions? options = null)
    {
        var handler = RpcChannel.CreateHandler();
        if (CaFile.Length > 0)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(CaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null && (errors == SslPolicyErrors.None || TrustedBy(roots, new X509Certificate2(certificate), errors));
        }

        return new RpcChannel(new HttpClient(handler, disposeHandler: true), ToUri(address), options);
    }

    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate2 certificate, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
