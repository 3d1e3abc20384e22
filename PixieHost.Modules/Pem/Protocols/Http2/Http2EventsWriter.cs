using PixieHost.Modules.Pem.Protocols.Http;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// Writes finished HTTP/2 streams as http_events rows with major_version 2, minor_version 0, as Pixie does:
/// req_method and req_path from <c>:method</c> and <c>:path</c>, resp_status from <c>:status</c> (-1 when it is
/// unknown), headers (pseudo-headers and trailers included, so gRPC's grpc-status and grpc-message appear in
/// resp_headers) as the same JSON as HTTP/1. content_type is 2 for gRPC (Pixie's <c>HTTPContentType::kGRPC</c>),
/// 1 for JSON, else 0. gRPC bodies are rendered by <see cref="GrpcBodyText"/>; other response bodies follow the
/// HTTP/1 Content-Type filter (when the Content-Type is lost with HPACK state from before tracing, printable text is kept). resp_message is the reason phrase of the status (HTTP/2 sends none; Pixie writes "OK").
/// </summary>
public sealed class Http2EventsWriter(int maxBodyBytes = 512, int maxStringBytes = 1024)
{
    private const int ColMajor = SocketEventsWriter.FirstProtocolColumn;

    private readonly SocketEventsWriter _w = new(PemSchemas.HttpEvents);
    private readonly HttpFrame _json = new();
    private readonly byte[] _text = new byte[(Math.Max(maxBodyBytes, 64) * 4) + 64];

    public static ReadOnlySpan<byte> MethodName => ":method"u8;

    public static ReadOnlySpan<byte> PathName => ":path"u8;

    public static ReadOnlySpan<byte> StatusName => ":status"u8;

    public static ReadOnlySpan<byte> ContentTypeName => "content-type"u8;

    public int RowCount => _w.RowCount;

    public List<RowBatch> TakeBatches() => _w.TakeBatches();

    /// <summary>Appends the row of <paramref name="s"/>; <paramref name="realtimeOffsetNs"/> turns CLOCK_MONOTONIC into wall-clock time.</summary>
    public void Append(ConnTracker conn, Http2Stream s, long realtimeOffsetNs)
    {
        var req = s.Request;
        var resp = s.Response;
        var start = req.Started ? req.FirstTimestampNs : resp.FirstTimestampNs;
        _w.BeginRow(conn, start, realtimeOffsetNs);
        req.Headers.TryGet(ContentTypeName, out var reqType);
        resp.Headers.TryGet(ContentTypeName, out var respType);
        var grpc = IsGrpc(reqType) || IsGrpc(respType);
        var c = ColMajor;
        _w.Int64(c++).Append(2);
        _w.Int64(c++).Append(0);
        _w.Int64(c++).Append(grpc ? 2 : Contains(respType, "json"u8) || Contains(reqType, "json"u8) ? 1 : 0);
        WriteHeaders(_w.String(c++), req.Headers);
        req.Headers.TryGet(MethodName, out var method);
        req.Headers.TryGet(PathName, out var path);
        SocketEventsWriter.AppendTruncated(_w.String(c++), method, maxStringBytes);
        SocketEventsWriter.AppendTruncated(_w.String(c++), path, maxStringBytes);
        WriteBody(_w.String(c++), req, grpc, filter: false);
        _w.Int64(c++).Append(req.BodySize);
        WriteHeaders(_w.String(c++), resp.Headers);
        var status = resp.Headers.TryGet(StatusName, out var st) ? ParseStatus(st) : -1;
        _w.Int64(c++).Append(status);
        _w.String(c++).Append(ReasonPhrase(status));
        WriteBody(_w.String(c++), resp, grpc, filter: !grpc);
        _w.Int64(c++).Append(resp.BodySize);
        _w.Int64(c).Append(SocketEventsWriter.Latency(start, Math.Max(resp.LastTimestampNs, req.LastTimestampNs)));
        _w.EndRow();
    }

    private void WriteHeaders(StringColumnBuilder col, Http2Headers headers)
    {
        headers.CopyTo(_json);
        HttpHeadersJson.Write(col, _json, maxStringBytes);
    }

    private void WriteBody(StringColumnBuilder col, Http2Message m, bool grpc, bool filter)
    {
        if (m.BodySize == 0)
        {
            col.Append([]);
            return;
        }

        if (grpc)
        {
            var n = GrpcBodyText.Render(m.Body, _text);
            SocketEventsWriter.AppendTruncated(col, _text.AsSpan(0, n), n == _text.Length ? long.MaxValue : n, maxBodyBytes);
            return;
        }

        var hasType = m.Headers.TryGet(ContentTypeName, out var type);
        var textual = Contains(type, "json"u8) || Contains(type, "text"u8)
            || (!hasType && m.Headers.HasUnknown && GrpcBodyText.IsPrintable(m.Body));
        if (filter && !textual)
        {
            col.Append(HttpEventsWriter.RemovedBodyPlaceholder);
            return;
        }

        SocketEventsWriter.AppendTruncated(col, m.Body, m.BodySize, maxBodyBytes);
    }

    private static bool IsGrpc(ReadOnlySpan<byte> contentType) => contentType.StartsWith("application/grpc"u8);

    private static bool Contains(ReadOnlySpan<byte> s, ReadOnlySpan<byte> part) => s.IndexOf(part) >= 0;

    private static int ParseStatus(ReadOnlySpan<byte> v)
    {
        if (v.Length is 0 or > 3)
        {
            return -1;
        }

        var n = 0;
        foreach (var b in v)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            n = (n * 10) + (b - '0');
        }

        return n;
    }

    private static ReadOnlySpan<byte> ReasonPhrase(int status) => status switch
    {
        200 => "OK"u8,
        201 => "Created"u8,
        202 => "Accepted"u8,
        204 => "No Content"u8,
        206 => "Partial Content"u8,
        301 => "Moved Permanently"u8,
        302 => "Found"u8,
        304 => "Not Modified"u8,
        307 => "Temporary Redirect"u8,
        308 => "Permanent Redirect"u8,
        400 => "Bad Request"u8,
        401 => "Unauthorized"u8,
        403 => "Forbidden"u8,
        404 => "Not Found"u8,
        405 => "Method Not Allowed"u8,
        408 => "Request Timeout"u8,
        409 => "Conflict"u8,
        413 => "Content Too Large"u8,
        415 => "Unsupported Media Type"u8,
        429 => "Too Many Requests"u8,
        500 => "Internal Server Error"u8,
        501 => "Not Implemented"u8,
        502 => "Bad Gateway"u8,
        503 => "Service Unavailable"u8,
        504 => "Gateway Timeout"u8,
        _ => ""u8,
    };
}
