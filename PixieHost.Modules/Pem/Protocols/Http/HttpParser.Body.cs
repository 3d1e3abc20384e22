using System.Buffers;

namespace PixieHost.Modules.Pem.Protocols.Http;

public static partial class HttpParser
{
    /// <summary>Longest chunk-size line (size plus extensions) or trailer line accepted.</summary>
    private const int MaxChunkLineBytes = 4096;

    /// <summary>
    /// Decides how the body of <paramref name="frame"/> ends. <paramref name="answersHeadRequest"/> tells that a
    /// response answers a HEAD request: it has no body whatever Content-Length says.
    /// </summary>
    public static HttpBodyState BeginBody(HttpFrame frame, bool answersHeadRequest)
    {
        if (frame.Kind == HttpMessageKind.Response
            && (answersHeadRequest || frame.Status < 200 || frame.Status == 204 || frame.Status == 304))
        {
            return default;
        }

        if (frame.IsChunked)
        {
            return new HttpBodyState { Mode = HttpBodyMode.Chunked, Chunk = ChunkPhase.SizeLine };
        }

        if (frame.ContentLength > 0)
        {
            return new HttpBodyState { Mode = HttpBodyMode.ContentLength, Remaining = frame.ContentLength };
        }

        return frame.ContentLength == 0 || frame.Kind == HttpMessageKind.Request
            ? default
            : new HttpBodyState { Mode = HttpBodyMode.UntilClose };
    }

    /// <summary>
    /// Consumes body bytes into <paramref name="frame"/> (keeping at most <see cref="HttpFrame.BodyLimit"/>).
    /// Done when the body is complete; an until-close body is never Done here: its owner ends it at close.
    /// </summary>
    public static OperationStatus ParseBody(ref HttpBodyState state, ReadOnlySpan<byte> buffer, HttpFrame frame, out int consumed)
    {
        consumed = 0;
        switch (state.Mode)
        {
            case HttpBodyMode.None:
                return OperationStatus.Done;
            case HttpBodyMode.ContentLength:
                var n = (int)Math.Min(state.Remaining, buffer.Length);
                frame.AppendBody(buffer[..n]);
                state.Remaining -= n;
                consumed = n;
                return state.Remaining == 0 ? OperationStatus.Done : OperationStatus.NeedMoreData;
            case HttpBodyMode.UntilClose:
                frame.AppendBody(buffer);
                consumed = buffer.Length;
                return OperationStatus.NeedMoreData;
            default:
                return ParseChunked(ref state, buffer, frame, out consumed);
        }
    }

    /// <summary>
    /// Accounts for <paramref name="gapBytes"/> bytes the kernel did not copy, at the current body position.
    /// Returns how many of them belong to this body (0 when the gap cannot be crossed, e.g. inside a chunk-size
    /// line); the caller drops the message in that case.
    /// </summary>
    public static ulong AbsorbGap(ref HttpBodyState state, HttpFrame frame, ulong gapBytes)
    {
        var inData = state.Mode == HttpBodyMode.ContentLength
            || (state.Mode == HttpBodyMode.Chunked && state.Chunk == ChunkPhase.Data);
        if (state.Mode == HttpBodyMode.UntilClose)
        {
            frame.BodySize += (long)gapBytes;
            return gapBytes;
        }

        if (!inData)
        {
            return 0;
        }

        var n = Math.Min((ulong)state.Remaining, gapBytes);
        frame.BodySize += (long)n;
        state.Remaining -= (long)n;
        if (state.Mode == HttpBodyMode.Chunked && state.Remaining == 0)
        {
            state.Chunk = ChunkPhase.DataEnd;
        }

        return n;
    }

    private static OperationStatus ParseChunked(ref HttpBodyState state, ReadOnlySpan<byte> buffer, HttpFrame frame, out int consumed)
    {
        var pos = 0;
        while (true)
        {
            consumed = pos;
            var rest = buffer[pos..];
            switch (state.Chunk)
            {
                case ChunkPhase.SizeLine:
                {
                    var lineEnd = IndexOfCrlf(rest);
                    if (lineEnd < 0)
                    {
                        return rest.Length > MaxChunkLineBytes ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
                    }

                    if (!TryParseChunkSize(rest[..lineEnd], out var size))
                    {
                        return OperationStatus.InvalidData;
                    }

                    pos += lineEnd + Crlf.Length;
                    state.Remaining = size;
                    state.Chunk = size == 0 ? ChunkPhase.Trailers : ChunkPhase.Data;
                    break;
                }

                case ChunkPhase.Data:
                {
                    var n = (int)Math.Min(state.Remaining, rest.Length);
                    frame.AppendBody(rest[..n]);
                    state.Remaining -= n;
                    pos += n;
                    if (state.Remaining > 0)
                    {
                        consumed = pos;
                        return OperationStatus.NeedMoreData;
                    }

                    state.Chunk = ChunkPhase.DataEnd;
                    break;
                }

                case ChunkPhase.DataEnd:
                    if (rest.Length < Crlf.Length)
                    {
                        return rest.IsEmpty || rest[0] == (byte)'\r' ? OperationStatus.NeedMoreData : OperationStatus.InvalidData;
                    }

                    if (!rest.StartsWith(Crlf))
                    {
                        return OperationStatus.InvalidData;
                    }

                    pos += Crlf.Length;
                    state.Chunk = ChunkPhase.SizeLine;
                    break;
                case ChunkPhase.Trailers:
                {
                    var lineEnd = IndexOfCrlf(rest);
                    if (lineEnd < 0)
                    {
                        return rest.Length > MaxChunkLineBytes ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
                    }

                    // Trailer fields are skipped: Pixie does not report them either.
                    pos += lineEnd + Crlf.Length;
                    if (lineEnd == 0)
                    {
                        state.Chunk = ChunkPhase.Done;
                    }

                    break;
                }

                default:
                    consumed = pos;
                    return OperationStatus.Done;
            }
        }
    }

    /// <summary>Hex size, then optional whitespace and <c>;ext=value</c> extensions, which are ignored.</summary>
    private static bool TryParseChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        var digits = 0;
        foreach (var b in line)
        {
            var d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return digits > 0 && (b == (byte)';' || b == (byte)' ' || b == (byte)'\t');
            }

            if (++digits > 15)
            {
                return false;
            }

            size = (size << 4) | (uint)d;
        }

        return digits > 0;
    }
}
