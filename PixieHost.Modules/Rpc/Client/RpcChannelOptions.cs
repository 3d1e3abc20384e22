namespace PixieHost.Modules.Rpc.Client;

/// <summary>Client-side settings of an <see cref="RpcChannel"/>.</summary>
#if PIXIE_CLIENT_SDK
internal sealed class RpcChannelOptions
#else
public sealed class RpcChannelOptions
#endif
{
    /// <summary>Largest response message accepted, in bytes; larger ones fail with RESOURCE_EXHAUSTED. Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Retries of a unary call that failed with UNAVAILABLE (connection refused, reset, GOAWAY). Default 3; 0 disables.</summary>
    public int UnaryRetryAttempts { get; set; } = 3;

    /// <summary>First retry delay; later ones back off exponentially with jitter. Default 100 ms.</summary>
    public TimeSpan UnaryRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Upper bound on a unary call including its retries (DEADLINE_EXCEEDED after it). Default 30 s;
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables it. Per-call deadlines come from <see cref="RpcCallOptions.Timeout"/>.
    /// </summary>
    public TimeSpan UnaryTotalTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Per-call settings.</summary>
#if PIXIE_CLIENT_SDK
internal sealed class RpcCallOptions
#else
public sealed class RpcCallOptions
#endif
{
    /// <summary>The call's deadline, sent as <c>grpc-timeout</c> and enforced here too; null means none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Extra request headers (metadata), e.g. <c>authorization</c>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
