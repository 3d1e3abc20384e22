using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PixieHost.Modules.Rpc.Server;

/// <summary>
/// The server side of one call: checks the request, lifts Kestrel's per-request limits, arms the deadline, runs the
/// handler and sends the status (trailers-only when no message was written, else as HTTP/2 trailers).
/// </summary>
internal static partial class RpcServerCall
{
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    public static async Task RunAsync(HttpContext http, string method, Func<RpcCallContext, Task> handler)
    {
        var log = http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(RpcServerCall).FullName!) ?? NullLogger.Instance;
        if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        LiftRequestLimits(http);
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = "identity";

        DateTime? deadline = null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        if (http.Request.Headers.TryGetValue(GrpcProtocol.TimeoutHeader, out var timeoutHeader))
        {
            if (!GrpcTimeout.TryParse(timeoutHeader.ToString(), out var timeout))
            {
                await WriteStatusAsync(http, 0, StatusCode.Internal, $"Malformed grpc-timeout '{timeoutHeader}'.");
                return;
            }

            // Timers take at most int.MaxValue ms (~24.8 days); grpc-timeout allows up to 99999999H: treat longer as none.
            if (timeout < MaxTimer)
            {
                deadline = DateTime.UtcNow + timeout;
                cts.CancelAfter(timeout);
            }
        }

        var context = new RpcCallContext(http, method, deadline, cts.Token);
        StatusCode status;
        string detail = string.Empty;
        try
        {
            await handler(context);
            status = StatusCode.OK;
        }
        catch (RpcException e)
        {
            (status, detail) = (e.Status, e.Detail);
        }
        catch (Exception e) when (IsCancellation(e) && http.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream or disconnected: nobody reads a status any more.
            LogClientCancelled(log, method);
            return;
        }
        catch (Exception e) when (IsCancellation(e) && cts.IsCancellationRequested)
        {
            (status, detail) = (StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }
        catch (Exception e)
        {
            LogHandlerFailed(log, method, e);
            (status, detail) = (StatusCode.Unknown, $"Exception was thrown by handler. {e.GetType().Name}: {e.Message}");
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            await WriteStatusAsync(http, context.MessagesWritten, status, detail);
        }
    }

    /// <summary>Answers an unmapped method path, as gRPC servers do, with UNIMPLEMENTED.</summary>
    public static Task UnimplementedAsync(HttpContext http)
    {
        if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        http.Response.ContentType = GrpcProtocol.ContentType;
        return WriteStatusAsync(http, 0, StatusCode.Unimplemented, $"Method {http.Request.Path} is unimplemented.");
    }

    private static Task WriteStatusAsync(HttpContext http, int messagesWritten, StatusCode status, string detail)
    {
        var code = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = GrpcStatusMessage.Encode(detail);

        // Decide by "no message written", not Response.HasStarted: a flush of headers alone would still start the response.
        if (messagesWritten == 0 && !http.Response.HasStarted)
        {
            http.Response.Headers[GrpcProtocol.StatusHeader] = code;
            if (message.Length > 0)
            {
                http.Response.Headers[GrpcProtocol.MessageHeader] = message;
            }

            return Task.CompletedTask;
        }

        http.Response.AppendTrailer(GrpcProtocol.StatusHeader, code);
        if (message.Length > 0)
        {
            http.Response.AppendTrailer(GrpcProtocol.MessageHeader, message);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Kestrel's minimum data rates would kill a quiet stream after a few seconds, and its 30 MB body limit would cut
    /// a long client stream; gRPC has its own per-message limit and deadlines instead.
    /// </summary>
    private static void LiftRequestLimits(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxBody)
        {
            maxBody.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRequestRate)
        {
            minRequestRate.MinDataRate = null;
        }

        if (http.Features.Get<IHttpMinResponseDataRateFeature>() is { } minResponseRate)
        {
            minResponseRate.MinDataRate = null;
        }
    }

    /// <summary>What a handler throws when its token fires or the stream under it is reset.</summary>
    private static bool IsCancellation(Exception e) => e is OperationCanceledException or IOException;

    [LoggerMessage(Level = LogLevel.Debug, Message = "RPC {Method}: the client cancelled the call")]
    private static partial void LogClientCancelled(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "RPC {Method}: the handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, string method, Exception exception);
}
