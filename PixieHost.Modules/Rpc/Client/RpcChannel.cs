using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PixieHost.Modules.Rpc.Client;

/// <summary>
/// A client connection to one gRPC server over cleartext HTTP/2 (h2c, prior knowledge) or TLS. Thread-safe; share one
/// per server address. Unary calls retry UNAVAILABLE through a Polly pipeline; streaming calls never retry (the
/// server may already have acted on part of the stream).
/// </summary>
#if PIXIE_CLIENT_SDK
internal sealed class RpcChannel : IDisposable
#else
public sealed class RpcChannel : IDisposable
#endif
{
    private static readonly MediaTypeHeaderValue GrpcMediaType = new(GrpcProtocol.ContentType);
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly RpcChannelOptions _options;
    private readonly ResiliencePipeline _unaryPipeline;

    /// <summary>A channel with its own connection pool to <paramref name="address"/> (e.g. <c>http://127.0.0.1:50300</c>).</summary>
    public RpcChannel(Uri address, RpcChannelOptions? options = null)
        : this(new HttpClient(CreateHandler(), disposeHandler: true), address, options)
    {
        _ownsClient = true;
    }

    /// <summary>A channel over an existing client (its handler must speak HTTP/2); the client is not disposed with the channel.</summary>
    public RpcChannel(HttpClient client, Uri address, RpcChannelOptions? options = null)
    {
        _client = client;
        _client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        Address = address;
        _options = options ?? new RpcChannelOptions();
        _unaryPipeline = BuildUnaryPipeline(_options);
    }

    public Uri Address { get; }

    /// <summary>
    /// The handler the channel uses: pooled connections never time out (streams may be idle for long), and more
    /// connections open when one reaches Kestrel's 100 concurrent streams.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionIdleTimeout = System.Threading.Timeout.InfiniteTimeSpan,
        EnableMultipleHttp2Connections = true,

        // A 64 KiB start window caps a stream at one window per round trip until dynamic sizing catches up.
        InitialHttp2StreamWindowSize = 1024 * 1024,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
    };

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var body = GrpcFraming.ToFramedArray(request);
        try
        {
            return await _unaryPipeline.ExecuteAsync(
                async token =>
                {
                    await using var call = new RpcClientCall<TResponse>(method.ResponseParser, _options.MaxReceiveMessageSize, options?.Timeout, token);
                    try
                    {
                        await call.StartAsync(_client, CreateRequest(method.FullName, body, options)).ConfigureAwait(false);
                        return await call.ReadSingleAsync().ConfigureAwait(false);
                    }
                    catch (RpcException e) when (e.Status == StatusCode.Cancelled && token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        // Polly's total timeout fired, not the caller: let the timeout strategy see a cancellation.
                        throw new OperationCanceledException(token);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, $"{method.FullName} did not finish within {_options.UnaryTotalTimeout} (retries included).", e);
        }
    }

    /// <summary>
    /// Streams the responses as they arrive. Stop enumerating (or cancel) to cancel the call on the server.
    /// Ends normally on status OK, throws <see cref="RpcException"/> for any other status.
    /// </summary>
    public async IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        await using var call = new RpcClientCall<TResponse>(method.ResponseParser, _options.MaxReceiveMessageSize, options?.Timeout, cancellationToken);
        await call.StartAsync(_client, CreateRequest(method.FullName, GrpcFraming.ToFramedArray(request), options)).ConfigureAwait(false);
        while (await call.ReadNextAsync().ConfigureAwait(false) is { } response)
        {
            yield return response;
        }
    }

    /// <summary>
    /// As <see cref="ServerStreamingAsync{TRequest, TResponse}"/> but yields each response's protobuf bytes for a
    /// hand-written decoder. A yielded sequence is valid only until the enumerator moves on.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlySequence<byte>> ServerStreamingSerializedAsync<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, TRequest request, RpcCallOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        await using var call = new RpcClientCall<TResponse>(method.ResponseParser, _options.MaxReceiveMessageSize, options?.Timeout, cancellationToken);
        await call.StartAsync(_client, CreateRequest(method.FullName, GrpcFraming.ToFramedArray(request), options)).ConfigureAwait(false);
        while (await call.ReadNextPayloadAsync().ConfigureAwait(false) is { } payload)
        {
            yield return payload;
        }
    }

    /// <summary>Sends every message of <paramref name="requests"/> as it is produced, then returns the single response.</summary>
    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, RpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        await using var call = new RpcClientCall<TResponse>(method.ResponseParser, _options.MaxReceiveMessageSize, options?.Timeout, cancellationToken);
        var content = new StreamingRequestContent<TRequest>(requests, call.Token);
        content.Headers.ContentType = GrpcMediaType;
        await call.StartAsync(_client, CreateRequest(method.FullName, content, options)).ConfigureAwait(false);
        return await call.ReadSingleAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="requests"/> and yields responses concurrently (both directions open at once).
    /// </summary>
    public async IAsyncEnumerable<TResponse> DuplexStreamingAsync<TRequest, TResponse>(
        RpcMethod<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, RpcCallOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        await using var call = new RpcClientCall<TResponse>(method.ResponseParser, _options.MaxReceiveMessageSize, options?.Timeout, cancellationToken);
        var content = new StreamingRequestContent<TRequest>(requests, call.Token);
        content.Headers.ContentType = GrpcMediaType;
        await call.StartAsync(_client, CreateRequest(method.FullName, content, options)).ConfigureAwait(false);
        while (await call.ReadNextAsync().ConfigureAwait(false) is { } response)
        {
            yield return response;
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>A request whose body is one already framed message (unary and server-streaming calls).</summary>
    private HttpRequestMessage CreateRequest(string path, byte[] framedBody, RpcCallOptions? options)
    {
        var content = new ByteArrayContent(framedBody);
        content.Headers.ContentType = GrpcMediaType;
        return CreateRequest(path, content, options);
    }

    private HttpRequestMessage CreateRequest(string path, HttpContent content, RpcCallOptions? options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.ExpectContinue = false;
        if (options?.Timeout is { } timeout)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
        }

        if (options?.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static ResiliencePipeline BuildUnaryPipeline(RpcChannelOptions options)
    {
        var builder = new ResiliencePipelineBuilder();
        if (options.UnaryTotalTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(options.UnaryTotalTimeout);
        }

        if (options.UnaryRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.UnaryRetryAttempts,
                Delay = options.UnaryRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(e => e.Status == StatusCode.Unavailable),
            });
        }

        return builder.Build();
    }
}
