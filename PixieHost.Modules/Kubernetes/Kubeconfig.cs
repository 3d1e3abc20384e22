using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace PixieHost.Modules.Kubernetes;

/// <summary>
/// Reads a kubeconfig file: the current (or named) context, its cluster (<c>server</c>,
/// <c>certificate-authority</c>/<c>-data</c>, <c>insecure-skip-tls-verify</c>) and user (<c>token</c>,
/// <c>tokenFile</c>, <c>client-certificate</c>/<c>-data</c>, <c>client-key</c>/<c>-data</c>). Relative file paths
/// are relative to the kubeconfig's directory, as kubectl resolves them. Exec and auth-provider plugins are not
/// supported: they fail with a message naming them.
/// </summary>
public static class Kubeconfig
{
    /// <summary>The kubeconfig kubectl would use: $KUBECONFIG (first entry) or ~/.kube/config.</summary>
    public static string DefaultPath()
    {
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(env))
        {
            return env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0];
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    /// <summary>Loads <paramref name="path"/> for <paramref name="context"/> (null: its current-context).</summary>
    public static KubernetesClientConfig Load(string path, string? context = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The kubeconfig {path} does not exist. Set Kubernetes:Kubeconfig to an existing file.", path);
        }

        return Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", context, path);
    }

    /// <summary>Parses kubeconfig text; <paramref name="baseDirectory"/> resolves relative file paths.</summary>
    public static KubernetesClientConfig Parse(string yaml, string baseDirectory, string? context = null, string source = "kubeconfig")
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException($"{source} is empty or not a YAML mapping.");
        }

        var contextName = context ?? Scalar(root, "current-context");
        if (string.IsNullOrEmpty(contextName))
        {
            throw new FormatException($"{source} has no current-context; set one with `kubectl config use-context` or name a context.");
        }

        var ctx = Named(root, "contexts", "context", contextName, source);
        var clusterName = Scalar(ctx, "cluster") ?? throw new FormatException($"context '{contextName}' of {source} names no cluster.");
        var userName = Scalar(ctx, "user");
        var cluster = Named(root, "clusters", "cluster", clusterName, source);
        var user = userName is null ? null : Named(root, "users", "user", userName, source);

        var server = Scalar(cluster, "server") ?? throw new FormatException($"cluster '{clusterName}' of {source} has no server.");
        var ca = Pem(cluster, "certificate-authority", baseDirectory);
        X509Certificate2Collection? authorities = null;
        if (ca is not null)
        {
            authorities = [];
            authorities.ImportFromPem(ca);
        }

        X509Certificate2? clientCert = null;
        TokenSource? token = null;
        if (user is not null)
        {
            if (user.Children.ContainsKey("exec") || user.Children.ContainsKey("auth-provider"))
            {
                throw new NotSupportedException($"user '{userName}' of {source} uses an exec or auth-provider plugin, which this client does not run. Use a token or client certificate user.");
            }

            var certPem = Pem(user, "client-certificate", baseDirectory);
            var keyPem = Pem(user, "client-key", baseDirectory);
            if (certPem is not null)
            {
                clientCert = X509Certificate2.CreateFromPem(certPem, keyPem ?? throw new FormatException($"user '{userName}' of {source} has a client certificate but no client-key."));
            }

            if (Scalar(user, "token") is { Length: > 0 } t)
            {
                token = TokenSource.Fixed(t);
            }
            else if (Scalar(user, "tokenFile") is { Length: > 0 } tf)
            {
                token = TokenSource.FromFile(Path.Combine(baseDirectory, tf));
            }
        }

        return new KubernetesClientConfig
        {
            Server = new Uri(server),
            CertificateAuthorities = authorities,
            ClientCertificate = clientCert,
            Token = token,
            InsecureSkipTlsVerify = string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase),
            Namespace = Scalar(ctx, "namespace") is { Length: > 0 } ns ? ns : "default",
        };
    }

    /// <summary>The inner mapping (<paramref name="inner"/>) of the entry named <paramref name="name"/> in the list <paramref name="list"/>.</summary>
    private static YamlMappingNode Named(YamlMappingNode root, string list, string inner, string name, string source)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(list), out var node) && node is YamlSequenceNode seq)
        {
            foreach (var entry in seq.Children.OfType<YamlMappingNode>())
            {
                if (Scalar(entry, "name") == name && entry.Children.TryGetValue(new YamlScalarNode(inner), out var body) && body is YamlMappingNode m)
                {
                    return m;
                }
            }
        }

        throw new FormatException($"{source} has no {inner} named '{name}' under {list}.");
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;

    /// <summary>PEM text from "<paramref name="key"/>-data" (base64) or the file "<paramref name="key"/>".</summary>
    private static string? Pem(YamlMappingNode map, string key, string baseDirectory)
    {
        if (Scalar(map, key + "-data") is { Length: > 0 } data)
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }

        return Scalar(map, key) is { Length: > 0 } file ? File.ReadAllText(Path.Combine(baseDirectory, file)) : null;
    }
}
