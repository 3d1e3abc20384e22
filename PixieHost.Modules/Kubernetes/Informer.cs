using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace PixieHost.Modules.Kubernetes;

/// <summary>
/// Keeps an <see cref="ObjectCache{T}"/> in step with the API server, as client-go's reflector does: list (paged)
/// → watch from the list's resource version → bookmarks and events advance it → when the server ends the
/// stream, watch again from the last version (no relist) → on 410 Gone (HTTP status or ERROR event) relist.
/// Connection failures and error statuses back off exponentially through a Polly retry pipeline.
/// </summary>
public sealed partial class Informer<T>
    where T : class, IKubeObject
{
    private readonly KubernetesApiClient _client;
    private readonly KubeResource _resource;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _resourceVersion;
    private DateTimeOffset _listedAt;
    private int _lists;
    private int _watches;

    public Informer(KubernetesApiClient client, KubeResource resource, InformerOptions? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _client = client;
        _resource = resource;
        _options = options ?? new InformerOptions();
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _retry = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.InitialBackoff,
                MaxDelay = _options.MaxBackoff,
                OnRetry = args =>
                {
                    LogRetry(_logger, _resource.Path, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? string.Empty);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public ObjectCache<T> Cache { get; } = new();

    /// <summary>Completes when the first list is in the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The resource version the next watch starts from; null when the next step is a list.</summary>
    public string? ResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>Full lists done so far (the first one included).</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>Watches started so far.</summary>
    public int Watches => Volatile.Read(ref _watches);

    /// <summary>Lists and watches until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _retry.ExecuteAsync(async token => await StepAsync(token).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Cancelled mid-request: the socket error or cancellation that follows is the stop, not a failure.
                return;
            }
        }
    }

    /// <summary>One list (when needed) and one watch, to the end of its stream.</summary>
    private async Task StepAsync(CancellationToken ct)
    {
        if (_resourceVersion is null || (_options.ResyncSeconds > 0 && _time.GetUtcNow() - _listedAt > TimeSpan.FromSeconds(_options.ResyncSeconds)))
        {
            var (items, rv) = await _client.ListAllAsync<T>(_resource, _options.PageSize, _options.FieldSelector, ct).ConfigureAwait(false);
            Cache.Replace(items);
            Interlocked.Increment(ref _lists);
            _listedAt = _time.GetUtcNow();
            Volatile.Write(ref _resourceVersion, rv);
            _synced.TrySetResult();
            LogListed(_logger, _resource.Path, items.Count, rv);
        }

        var timeout = _options.WatchTimeoutSeconds + Random.Shared.Next(Math.Max(1, _options.WatchTimeoutSeconds));
        Interlocked.Increment(ref _watches);
        try
        {
            await foreach (var ev in _client.WatchAsync<T>(_resource, _resourceVersion!, _options.FieldSelector, timeout, TimeSpan.FromSeconds(timeout + 30), ct).ConfigureAwait(false))
            {
                if (!Apply(ev))
                {
                    return;
                }
            }
        }
        catch (KubeApiException e) when (e.IsGone)
        {
            Relist(e.Message);
        }
    }

    /// <summary>Applies one event; false when the watch must stop (410 relist).</summary>
    private bool Apply(WatchEvent<T> ev)
    {
        switch (ev.Type)
        {
            case "ADDED" or "MODIFIED" or "DELETED":
                var obj = ev.Object.Deserialize<T>(KubernetesApiClient.Json) ?? throw new JsonException($"watch of {_resource.Path}: {ev.Type} without an object");
                if (ev.Type == "DELETED")
                {
                    Cache.Remove(obj);
                }
                else
                {
                    Cache.Upsert(obj);
                }

                Volatile.Write(ref _resourceVersion, obj.Metadata.ResourceVersion);
                return true;
            case "BOOKMARK":
                var rv = ev.Object.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                if (!string.IsNullOrEmpty(rv))
                {
                    Volatile.Write(ref _resourceVersion, rv);
                }

                return true;
            case "ERROR":
                var status = ev.Object.Deserialize<KubeStatus>(KubernetesApiClient.Json) ?? new KubeStatus();
                if (status.Code == 410)
                {
                    Relist(status.Message);
                    return false;
                }

                throw new KubeApiException((System.Net.HttpStatusCode)status.Code, $"watch of {_resource.Path}: {status.Code} {status.Message}", status.Reason);
            default:
                throw new JsonException($"watch of {_resource.Path}: unknown event type '{ev.Type}'");
        }
    }

    private void Relist(string reason)
    {
        LogGone(_logger, _resource.Path, _resourceVersion ?? string.Empty, reason);
        Volatile.Write(ref _resourceVersion, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "kubernetes: listed {Path}: {Count} objects at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string path, int count, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "kubernetes: {Path} resourceVersion {ResourceVersion} is gone ({Reason}); relisting")]
    private static partial void LogGone(ILogger logger, string path, string resourceVersion, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "kubernetes: {Path} failed (attempt {Attempt}), retrying in {DelayMs:0} ms: {Reason}")]
    private static partial void LogRetry(ILogger logger, string path, int attempt, double delayMs, string reason);
}
