using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace PixieHost.Modules.Kubernetes;

/// <summary>
/// A small typed Kubernetes API client over <see cref="HttpClient"/> and System.Text.Json: get, server-side
/// apply, paged list and watch (newline-delimited JSON events). Authenticates with the config's bearer token (read per request, so a
/// rotated service-account token is picked up) or client certificate.
/// </summary>
public sealed class KubernetesApiClient : IDisposable
{
    /// <summary>JSON as the API server writes it: camelCase, unknown fields ignored.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>For apply bodies: unset (null, 0, false; "" by <see cref="Prune"/>) fields are left out, so the manager claims only what it sets.</summary>
    private static readonly JsonSerializerOptions ApplyJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,
    };

    private readonly HttpClient _http;
    private readonly KubernetesClientConfig _config;

    /// <param name="config">Server, trust and credentials.</param>
    /// <param name="handler">Replaces the TLS-configured handler (tests); the caller keeps ownership.</param>
    public KubernetesApiClient(KubernetesClientConfig config, HttpMessageHandler? handler = null)
    {
        _config = config;
        _http = handler is null ? new HttpClient(CreateHandler(config), disposeHandler: true) : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = config.Server;
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public KubernetesClientConfig Config => _config;

    /// <summary>One object, or null when it does not exist (404).</summary>
    public async Task<T?> GetAsync<T>(string path, CancellationToken ct)
        where T : class
    {
        using var response = await SendAsync(path, HttpCompletionOption.ResponseContentRead, ct, allowNotFound: true).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false);
    }

    /// <summary>One object by namespace ("" for cluster-scoped kinds) and name, or null when it does not exist.</summary>
    public Task<T?> GetAsync<T>(KubeResource resource, string ns, string name, CancellationToken ct)
        where T : class => GetAsync<T>(resource.ObjectPath(ns, name), ct);

    /// <summary>
    /// Server-side apply (PATCH, application/apply-patch+yaml; JSON is YAML): creates or updates the fields
    /// <paramref name="fieldManager"/> owns, taking conflicting fields from other managers when <paramref name="force"/>.
    /// Returns the object as stored.
    /// </summary>
    public async Task<T> ApplyAsync<T>(KubeResource resource, string ns, string name, T body, string fieldManager, bool force, CancellationToken ct)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{resource.ObjectPath(ns, name)}?fieldManager={Uri.EscapeDataString(fieldManager)}{(force ? "&force=true" : string.Empty)}")
        {
            Content = new StringContent(Prune(JsonSerializer.SerializeToNode(body, ApplyJson))?.ToJsonString() ?? "{}", Encoding.UTF8, "application/apply-patch+yaml"),
        };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false)
            ?? throw new KubeApiException(response.StatusCode, $"empty apply response for {resource.ObjectPath(ns, name)}");
    }

    /// <summary>One page of a list: <c>?limit=</c> and <c>&amp;continue=</c> from the previous page.</summary>
    public async Task<KubeList<T>> ListPageAsync<T>(KubeResource resource, int limit, string? continueToken, string? fieldSelector, CancellationToken ct)
    {
        var query = new StringBuilder($"{resource.Path}?limit={limit}");
        Append(query, "continue", continueToken);
        Append(query, "fieldSelector", fieldSelector);
        using var response = await SendAsync(query.ToString(), HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<KubeList<T>>(Json, ct).ConfigureAwait(false)
            ?? throw new KubeApiException(response.StatusCode, $"empty list response for {resource.Path}");
    }

    /// <summary>Every page of a list; the resource version is the first page's (the snapshot a watch continues from).</summary>
    public async Task<(List<T> Items, string ResourceVersion)> ListAllAsync<T>(KubeResource resource, int pageSize, string? fieldSelector, CancellationToken ct)
    {
        var items = new List<T>();
        string? rv = null;
        string? next = null;
        do
        {
            var page = await ListPageAsync<T>(resource, pageSize, next, fieldSelector, ct).ConfigureAwait(false);
            items.AddRange(page.Items);
            rv ??= page.Metadata.ResourceVersion;
            next = page.Metadata.Continue;
        }
        while (!string.IsNullOrEmpty(next));

        return (items, rv ?? string.Empty);
    }

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks: yields events until the server ends the
    /// stream (after <paramref name="timeoutSeconds"/>) or <paramref name="idleTimeout"/> passes without a line.
    /// A 410 answer throws <see cref="KubeApiException"/> with <see cref="KubeApiException.IsGone"/>; ERROR events
    /// are yielded for the caller to judge.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        KubeResource resource, string resourceVersion, string? fieldSelector, int timeoutSeconds, TimeSpan idleTimeout, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = new StringBuilder($"{resource.Path}?watch=1&allowWatchBookmarks=true&timeoutSeconds={timeoutSeconds}");
        Append(query, "resourceVersion", resourceVersion);
        Append(query, "fieldSelector", fieldSelector);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(idleTimeout);
        using var response = await SendAsync(query.ToString(), HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false), Encoding.UTF8);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new IOException($"watch of {resource.Path} was idle for {idleTimeout.TotalSeconds:0} s");
            }

            if (line is null)
            {
                yield break;
            }

            if (line.Length == 0)
            {
                continue;
            }

            idle.CancelAfter(idleTimeout);
            yield return JsonSerializer.Deserialize<WatchEvent<T>>(line, Json) ?? throw new IOException($"watch of {resource.Path} sent 'null'");
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, HttpCompletionOption completion, CancellationToken ct, bool allowNotFound = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        return await SendAsync(request, completion, ct, allowNotFound).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct, bool allowNotFound = false)
    {
        var pathAndQuery = $"{request.Method} {request.RequestUri}";
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_config.Token?.Current() is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            KubeStatus? status = null;
            try
            {
                status = JsonSerializer.Deserialize<KubeStatus>(body, Json);
            }
            catch (JsonException)
            {
                // Not a Status object (a proxy's error page): report the raw body.
            }

            throw new KubeApiException(response.StatusCode, $"{pathAndQuery}: {(int)response.StatusCode} {status?.Message ?? body}", status?.Reason ?? string.Empty);
        }
    }

    /// <summary>Drops "" strings (the models' unset value) and the objects left empty by that.</summary>
    private static System.Text.Json.Nodes.JsonNode? Prune(System.Text.Json.Nodes.JsonNode? node)
    {
        if (node is System.Text.Json.Nodes.JsonObject obj)
        {
            foreach (var (name, value) in obj.ToList())
            {
                if (Prune(value) is null || (value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var str) && str.Length == 0))
                {
                    obj.Remove(name);
                }
            }

            return obj.Count == 0 ? null : obj;
        }

        if (node is System.Text.Json.Nodes.JsonArray array)
        {
            foreach (var item in array)
            {
                Prune(item);
            }
        }

        return node;
    }

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    private static SocketsHttpHandler CreateHandler(KubernetesClientConfig config)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (config.ClientCertificate is not null)
        {
            ssl.ClientCertificates = [config.ClientCertificate];
        }

        if (config.InsecureSkipTlsVerify)
        {
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (config.CertificateAuthorities is { Count: > 0 } cas)
        {
            ssl.RemoteCertificateValidationCallback = (_, cert, _, errors) => Trusted(cert, errors, cas);
        }

        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
        };
    }

    /// <summary>The server's certificate chains to one of the kubeconfig's CAs (the system store does not know them).</summary>
    private static bool Trusted(X509Certificate? cert, SslPolicyErrors errors, X509Certificate2Collection cas)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (cert is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }
}
