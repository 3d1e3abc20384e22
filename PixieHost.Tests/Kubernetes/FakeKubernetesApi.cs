using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Kubernetes;

/// <summary>
/// Kubernetes cannot run here, so this stands in for its API server: Kestrel on loopback speaking the real
/// list/watch protocol over recorded object JSON (Fixtures/*.json, shaped as `kubectl get -o json` prints):
/// lists carry metadata.resourceVersion and page with limit/continue; <c>watch=1</c> streams chunked
/// newline-delimited events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) from a resourceVersion; a compacted
/// version gets 410 Gone (an ERROR event, or the HTTP status with <see cref="GoneAsHttpStatus"/>). Optionally
/// HTTPS with a client certificate requirement, and a bearer token requirement.
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    private readonly Dictionary<string, FakeKubernetesResource> _resources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (List<JsonObject> Items, long Rv)> _continues = new(StringComparer.Ordinal);
    private long _rv = 1000;
    private WebApplication? _app;

    public FakeKubernetesApi()
    {
        foreach (var (path, kind) in new[]
        {
            ("/api/v1/pods", "PodList"), ("/api/v1/services", "ServiceList"), ("/api/v1/endpoints", "EndpointsList"),
            ("/api/v1/namespaces", "NamespaceList"), ("/api/v1/nodes", "NodeList"),
            ("/apis/apps/v1/replicasets", "ReplicaSetList"), ("/apis/apps/v1/deployments", "DeploymentList"),
            ("/apis/discovery.k8s.io/v1/endpointslices", "EndpointSliceList"),
        })
        {
            _resources[path] = new FakeKubernetesResource(this, path, kind);
        }
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>When set, requests without "Authorization: Bearer &lt;token&gt;" get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Answer a watch from a compacted version with HTTP 410 instead of an ERROR event.</summary>
    public bool GoneAsHttpStatus { get; set; }

    public long CurrentRv => Interlocked.Read(ref _rv);

    public FakeKubernetesResource Pods => _resources["/api/v1/pods"];

    public FakeKubernetesResource Services => _resources["/api/v1/services"];

    public FakeKubernetesResource Endpoints => _resources["/api/v1/endpoints"];

    public FakeKubernetesResource Nodes => _resources["/api/v1/nodes"];

    public FakeKubernetesResource EndpointSlices => _resources["/apis/discovery.k8s.io/v1/endpointslices"];

    public FakeKubernetesResource ReplicaSets => _resources["/apis/apps/v1/replicasets"];

    public FakeKubernetesResource this[string path] => _resources[path];

    /// <summary>Requests to <paramref name="path"/> that were watches (or lists, with <paramref name="watch"/> false).</summary>
    public List<RecordedRequest> RequestsTo(string path, bool watch) =>
        [.. Requests.Where(r => r.Path == path && r.Query.ContainsKey("watch") == watch)];

    /// <summary>Starts on <paramref name="port"/> (0: a free loopback port); HTTPS when <paramref name="certificate"/> is given.</summary>
    public static async Task<FakeKubernetesApi> StartAsync(X509Certificate2? certificate = null, bool requireClientCertificate = false, int port = 0)
    {
        var api = new FakeKubernetesApi();
        port = port == 0 ? RpcTestHost.FreePort() : port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.ListenLocalhost(port, o =>
        {
            if (certificate is not null)
            {
                o.UseHttps(h =>
                {
                    h.ServerCertificate = certificate;
                    h.ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate;
                    h.AllowAnyClientCertificate();
                });
            }
        }));
        var app = builder.Build();
        app.Run(api.HandleAsync);
        await app.StartAsync();
        api._app = app;
        api.Address = new Uri($"{(certificate is null ? "http" : "https")}://localhost:{port}");
        return api;
    }

    /// <summary>Seeds a collection from a recorded list file under Fixtures/, each item at a new resource version.</summary>
    public void Load(string path, string fixture)
    {
        var list = JsonNode.Parse(File.ReadAllText(Fixture(fixture)))!.AsObject();
        foreach (var item in list["items"]!.AsArray())
        {
            _resources[path].Seed((JsonObject)item!.DeepClone(), NextRv());
        }
    }

    /// <summary>Seeds every collection from the standard fixtures.</summary>
    public FakeKubernetesApi LoadAll()
    {
        Load("/api/v1/namespaces", "namespaces.json");
        Load("/api/v1/nodes", "nodes.json");
        Load("/apis/apps/v1/deployments", "deployments.json");
        Load("/apis/apps/v1/replicasets", "replicasets.json");
        Load("/api/v1/pods", "pods.json");
        Load("/api/v1/services", "services.json");
        Load("/api/v1/endpoints", "endpoints.json");
        Load("/apis/discovery.k8s.io/v1/endpointslices", "endpointslices.json");
        return this;
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Kubernetes", "Fixtures", name);

    /// <summary>One object of a fixture list, by "ns/name".</summary>
    public static JsonObject FixtureItem(string fixture, string key) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Fixture(fixture)))!["items"]!.AsArray().First(i => FakeKubernetesResource.Key((JsonObject)i!) == key)!.DeepClone();

    /// <summary>Drops every continue token: the next page request gets 410, as after etcd compaction.</summary>
    public void ExpireContinueTokens() => _continues.Clear();

    internal long NextRv() => Interlocked.Increment(ref _rv);

    public async ValueTask DisposeAsync()
    {
        foreach (var r in _resources.Values)
        {
            r.CloseWatches();
        }

        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var query = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var auth = ctx.Request.Headers.Authorization.ToString();
        var clientCert = await ctx.Connection.GetClientCertificateAsync();
        Requests.Enqueue(new RecordedRequest(ctx.Request.Path.Value ?? string.Empty, query, auth, clientCert?.Subject ?? string.Empty));
        if (RequiredToken is not null && auth != $"Bearer {RequiredToken}")
        {
            await Status(ctx, HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
            return;
        }

        if (await TryObjectAsync(ctx))
        {
            return;
        }

        if (!_resources.TryGetValue(ctx.Request.Path.Value ?? string.Empty, out var resource))
        {
            await Status(ctx, HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource");
            return;
        }

        var filter = Selector(query.GetValueOrDefault("fieldSelector"));
        if (query.GetValueOrDefault("watch") is "1" or "true")
        {
            await WatchAsync(ctx, resource, query, filter);
        }
        else
        {
            await ListAsync(ctx, resource, query, filter);
        }
    }

    private async Task ListAsync(HttpContext ctx, FakeKubernetesResource resource, Dictionary<string, string> query, Func<JsonObject, bool> filter)
    {
        var limit = int.TryParse(query.GetValueOrDefault("limit"), out var l) && l > 0 ? l : int.MaxValue;
        List<JsonObject> items;
        long rv;
        var offset = 0;
        if (query.GetValueOrDefault("continue") is { Length: > 0 } token)
        {
            if (!_continues.TryRemove(token, out var snap))
            {
                await Status(ctx, HttpStatusCode.Gone, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
                return;
            }

            (items, rv) = snap;
            offset = int.Parse(token.Split(':')[1]);
        }
        else
        {
            (items, rv) = resource.Snapshot(filter);
        }

        var page = items.Skip(offset).Take(limit).ToList();
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString() };
        if (offset + page.Count < items.Count)
        {
            var next = $"{Guid.NewGuid():N}:{offset + page.Count}";
            _continues[next] = (items, rv);
            meta["continue"] = next;
            meta["remainingItemCount"] = items.Count - offset - page.Count;
        }

        var list = new JsonObject
        {
            ["kind"] = resource.ListKind,
            ["apiVersion"] = resource.Path.StartsWith("/apis/", StringComparison.Ordinal) ? string.Join('/', resource.Path.Split('/')[2..4]) : "v1",
            ["metadata"] = meta,
            ["items"] = new JsonArray([.. page]),
        };
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(list.ToJsonString());
    }

    private async Task WatchAsync(HttpContext ctx, FakeKubernetesResource resource, Dictionary<string, string> query, Func<JsonObject, bool> filter)
    {
        var fromText = query.GetValueOrDefault("resourceVersion") ?? string.Empty;
        // "" or "0": start at the current state (sent as synthetic ADDED events below).
        var from = fromText is "" or "0" ? CurrentRv : long.TryParse(fromText, out var f) ? f : 0;
        var opened = resource.OpenWatch(from, filter);
        if (opened is null && GoneAsHttpStatus)
        {
            await Status(ctx, HttpStatusCode.Gone, "Expired", $"too old resource version: {from} ({resource.CompactedRv})");
            return;
        }

        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync();
        if (opened is null)
        {
            // What the real server does: 200, then one ERROR event with the 410 Status, then the end of the stream.
            await WriteLine(ctx, FakeKubernetesResource.GoneEvent(from).ToJsonString());
            return;
        }

        var (replay, live) = opened.Value;
        try
        {
            if (fromText is "" or "0")
            {
                // No version: the current state as synthetic ADDED events first.
                foreach (var obj in resource.Snapshot(filter).Items)
                {
                    await WriteLine(ctx, new JsonObject { ["type"] = "ADDED", ["object"] = obj }.ToJsonString());
                }
            }

            foreach (var line in replay)
            {
                await WriteLine(ctx, line);
            }

            var timeout = int.TryParse(query.GetValueOrDefault("timeoutSeconds"), out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(30);
            using var end = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
            end.CancelAfter(timeout);
            await foreach (var line in live.Reader.ReadAllAsync(end.Token))
            {
                await WriteLine(ctx, line!);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout or client gone: the stream just ends.
        }
        finally
        {
            resource.CloseWatch(live);
        }
    }

    private static async Task WriteLine(HttpContext ctx, string line)
    {
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        await ctx.Response.Body.FlushAsync();
    }

    private static Func<JsonObject, bool> Selector(string? fieldSelector)
    {
        if (string.IsNullOrEmpty(fieldSelector))
        {
            return _ => true;
        }

        var eq = fieldSelector.Split('=', 2);
        if (eq[0] != "spec.nodeName")
        {
            throw new NotSupportedException($"fake API server: field selector {fieldSelector}");
        }

        return o => o["spec"]?["nodeName"]?.GetValue<string>() == eq[1];
    }

    private static async Task Status(HttpContext ctx, HttpStatusCode code, string reason, string message)
    {
        ctx.Response.StatusCode = (int)code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
            ["message"] = message, ["reason"] = reason, ["code"] = (int)code,
        }.ToJsonString());
    }
}

/// <summary>One request the fake API server received.</summary>
public sealed record RecordedRequest(string Path, Dictionary<string, string> Query, string Authorization, string ClientCertificateSubject);
