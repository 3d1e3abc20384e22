using System.Security.Cryptography.X509Certificates;

namespace PixieHost.Modules.Kubernetes;

/// <summary>
/// How to reach one API server: its address, how to trust it, how to authenticate. Built by
/// <see cref="KubernetesClientConfig.InCluster"/> or <see cref="Kubeconfig.Load"/>.
/// </summary>
public sealed class KubernetesClientConfig
{
    /// <summary>The in-cluster service account directory mounted into every pod.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The API server, e.g. https://10.96.0.1:443.</summary>
    public required Uri Server { get; init; }

    /// <summary>The CAs that sign the server's certificate; null: the system trust store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>The client certificate (with its private key) for mutual TLS, or null.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The bearer token, or null for none.</summary>
    public TokenSource? Token { get; init; }

    /// <summary>Accept any server certificate (kubeconfig <c>insecure-skip-tls-verify</c>).</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The default namespace (the service account's, or the context's); "default" when unset.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Whether this process runs in a pod: KUBERNETES_SERVICE_HOST and the service account token are present.</summary>
    public static bool IsInCluster(string serviceAccountDirectory = ServiceAccountDirectory) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && File.Exists(Path.Combine(serviceAccountDirectory, "token"));

    /// <summary>
    /// The in-cluster configuration: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the service
    /// account's CA, its token (re-read when the kubelet rotates it) and namespace.
    /// </summary>
    public static KubernetesClientConfig InCluster(string serviceAccountDirectory = ServiceAccountDirectory)
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new InvalidOperationException(
                "Not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set. Set Kubernetes:Kubeconfig to use a kubeconfig file instead.");
        }

        var tokenPath = Path.Combine(serviceAccountDirectory, "token");
        if (!File.Exists(tokenPath))
        {
            throw new InvalidOperationException($"The service account token {tokenPath} is missing: the pod needs automountServiceAccountToken.");
        }

        var caPath = Path.Combine(serviceAccountDirectory, "ca.crt");
        var nsPath = Path.Combine(serviceAccountDirectory, "namespace");
        X509Certificate2Collection? ca = null;
        if (File.Exists(caPath))
        {
            ca = [];
            ca.ImportFromPemFile(caPath);
        }

        // An IPv6 service host needs brackets in the URL.
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new KubernetesClientConfig
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            CertificateAuthorities = ca,
            Token = TokenSource.FromFile(tokenPath),
            Namespace = File.Exists(nsPath) ? File.ReadAllText(nsPath).Trim() : "default",
        };
    }
}
