using System.Buffers.Binary;

namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// HTTP/2 framing over spans: the client preface, frame headers, padding and priority fields, and the checks that
/// tell a frame boundary from arbitrary bytes (to start on a connection met mid-way). Nothing here throws: short
/// input answers "need more", impossible input answers false.
/// </summary>
public static class Http2Parser
{
    /// <summary>Largest frame accepted (a peer may raise SETTINGS_MAX_FRAME_SIZE to 16 MiB; the data stream holds 1 MiB).</summary>
    public const int MaxFrameLength = 512 * 1024;

    /// <summary>Largest frame length accepted when guessing a boundary: the default SETTINGS_MAX_FRAME_SIZE.</summary>
    public const int DefaultMaxFrameSize = 16384;

    /// <summary>Stream ids from here on are not believed when guessing a boundary (half a million requests on one connection).</summary>
    private const int MaxGuessedStreamId = 1 << 20;

    /// <summary>The client connection preface (RFC 9113 3.4).</summary>
    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Reads the frame header at the start of <paramref name="buf"/>; false when fewer than 9 bytes.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> buf, out Http2FrameHeader header)
    {
        if (buf.Length < Http2FrameHeader.Size)
        {
            header = default;
            return false;
        }

        var length = (buf[0] << 16) | (buf[1] << 8) | buf[2];
        var stream = (int)(BinaryPrimitives.ReadUInt32BigEndian(buf[5..]) & 0x7fffffff);
        header = new Http2FrameHeader(length, (Http2FrameType)buf[3], buf[4], stream);
        return true;
    }

    /// <summary>
    /// Reads one whole frame: header and payload (padding and priority fields not yet removed).
    /// False when the frame is not complete in <paramref name="buf"/>; <paramref name="consumed"/> is then 0.
    /// </summary>
    public static bool TryReadFrame(ReadOnlySpan<byte> buf, out Http2FrameHeader header, out ReadOnlySpan<byte> payload, out int consumed)
    {
        payload = default;
        consumed = 0;
        if (!TryReadHeader(buf, out header) || buf.Length - Http2FrameHeader.Size < header.Length)
        {
            return false;
        }

        payload = buf.Slice(Http2FrameHeader.Size, header.Length);
        consumed = Http2FrameHeader.Size + header.Length;
        return true;
    }

    /// <summary>
    /// The header block fragment or data of a HEADERS, PUSH_PROMISE or DATA payload, without padding, priority
    /// fields or the promised stream id. False when the padding or fields do not fit (a protocol error).
    /// </summary>
    public static bool TryGetContent(in Http2FrameHeader h, ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> content, out int promisedStream)
    {
        content = default;
        promisedStream = 0;
        var pad = 0;
        if (h.Type is Http2FrameType.Data or Http2FrameType.Headers or Http2FrameType.PushPromise && h.Has(Http2Flags.Padded))
        {
            if (payload.IsEmpty)
            {
                return false;
            }

            pad = payload[0];
            payload = payload[1..];
        }

        if (h.Type == Http2FrameType.Headers && h.Has(Http2Flags.Priority))
        {
            if (payload.Length < 5)
            {
                return false;
            }

            payload = payload[5..];
        }
        else if (h.Type == Http2FrameType.PushPromise)
        {
            if (payload.Length < 4)
            {
                return false;
            }

            promisedStream = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff);
            payload = payload[4..];
        }

        if (pad > payload.Length)
        {
            return false;
        }

        content = payload[..^pad];
        return true;
    }

    /// <summary>
    /// True when <paramref name="h"/> could be a real frame header: a known type, a length within
    /// <paramref name="maxLength"/> that fits the type, and the stream id the type requires.
    /// </summary>
    public static bool IsPlausible(in Http2FrameHeader h, int maxLength = DefaultMaxFrameSize)
    {
        if (h.Length > maxLength)
        {
            return false;
        }

        return h.Type switch
        {
            Http2FrameType.Data => h.StreamId != 0 && (h.Flags & ~(Http2Flags.EndStream | Http2Flags.Padded)) == 0,
            Http2FrameType.Headers => h.StreamId != 0 && (h.Flags & ~(Http2Flags.EndStream | Http2Flags.EndHeaders | Http2Flags.Padded | Http2Flags.Priority)) == 0,
            Http2FrameType.Priority => h.StreamId != 0 && h.Length == 5 && h.Flags == 0,
            Http2FrameType.RstStream => h.StreamId != 0 && h.Length == 4 && h.Flags == 0,
            Http2FrameType.Settings => h.StreamId == 0 && h.Length % 6 == 0 && (h.Flags & ~Http2Flags.Ack) == 0 && (!h.Has(Http2Flags.Ack) || h.Length == 0),
            Http2FrameType.PushPromise => h.StreamId != 0 && h.Length >= 4 && (h.Flags & ~(Http2Flags.EndHeaders | Http2Flags.Padded)) == 0,
            Http2FrameType.Ping => h.StreamId == 0 && h.Length == 8 && (h.Flags & ~Http2Flags.Ack) == 0,
            Http2FrameType.GoAway => h.StreamId == 0 && h.Length >= 8 && h.Flags == 0,
            Http2FrameType.WindowUpdate => h.Length == 4 && h.Flags == 0,
            Http2FrameType.Continuation => h.StreamId != 0 && (h.Flags & ~Http2Flags.EndHeaders) == 0,
            _ => false,
        };
    }

    /// <summary>
    /// True when the first bytes of a connection look like HTTP/2: the client preface (or its first bytes), or a
    /// plausible frame header, followed by another plausible one when the bytes reach that far.
    /// </summary>
    public static bool LooksLikeHttp2(ReadOnlySpan<byte> buf)
    {
        if (buf.Length == 0)
        {
            return false;
        }

        var n = Math.Min(buf.Length, Preface.Length);
        if (buf[..n].SequenceEqual(Preface[..n]))
        {
            return n >= 4;
        }

        return IsFrameBoundary(buf, 0);
    }

    /// <summary>
    /// True when a plausible frame header starts at <paramref name="offset"/> and either the frame ends exactly at
    /// the end of the buffer or the next header is plausible too (two in a row make a false match on arbitrary
    /// bytes very unlikely); a frame that runs past the end counts when nothing better is found (see
    /// <see cref="FindFrameBoundary(ReadOnlySpan{byte}, out bool)"/>).
    /// </summary>
    public static bool IsFrameBoundary(ReadOnlySpan<byte> buf, int offset) => BoundaryScore(buf, offset) > 0;

    /// <summary>
    /// The offset of the first frame boundary in <paramref name="buf"/>, or -1 when none is found. A boundary
    /// confirmed by what follows it wins over an earlier one whose frame runs past the end of the buffer: one byte
    /// after a real boundary, a shifted header often reads as a plausible frame longer than the buffer.
    /// </summary>
    public static int FindFrameBoundary(ReadOnlySpan<byte> buf) => FindFrameBoundary(buf, out _);

    /// <summary><see cref="FindFrameBoundary(ReadOnlySpan{byte})"/>; <paramref name="confirmed"/> false when the frame found runs past the end (more bytes may refute it).</summary>
    public static int FindFrameBoundary(ReadOnlySpan<byte> buf, out bool confirmed)
    {
        confirmed = false;
        var weak = -1;
        for (var i = 0; i + Http2FrameHeader.Size <= buf.Length; i++)
        {
            var score = BoundaryScore(buf, i);
            if (score == 2)
            {
                confirmed = true;
                return i;
            }

            if (score == 1 && weak < 0)
            {
                weak = i;
            }
        }

        return weak;
    }

    /// <summary>
    /// <see cref="IsPlausible"/>, and what real peers send: stream ids below 2^20, no empty HEADERS, no empty DATA
    /// without END_STREAM (zero-filled SETTINGS and WINDOW_UPDATE payloads read as such frames).
    /// </summary>
    private static bool IsPlausibleGuess(in Http2FrameHeader h) =>
        IsPlausible(h) && h.StreamId < MaxGuessedStreamId
        && !(h.Type == Http2FrameType.Headers && h.Length == 0)
        && !(h.Type == Http2FrameType.Data && h.Length == 0 && !h.EndStream);

    /// <summary>0 no boundary; 2 confirmed (the frame ends at the buffer's end or a plausible header follows); 1 the frame runs past the end.</summary>
    private static int BoundaryScore(ReadOnlySpan<byte> buf, int offset)
    {
        if (!TryReadHeader(buf[offset..], out var h) || !IsPlausibleGuess(h))
        {
            return 0;
        }

        var next = offset + Http2FrameHeader.Size + h.Length;
        if (next == buf.Length)
        {
            return h.Type == Http2FrameType.Continuation ? 1 : 2;
        }

        if (next + Http2FrameHeader.Size > buf.Length)
        {
            return h.Type == Http2FrameType.Continuation ? 0 : 1;
        }

        return TryReadHeader(buf[next..], out var h2) && IsPlausible(h2) ? 2 : 0;
    }
}
