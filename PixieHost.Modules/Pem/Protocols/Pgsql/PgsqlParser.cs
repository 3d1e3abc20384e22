using System.Buffers;
using System.Buffers.Binary;

namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>
/// Frames PostgreSQL wire messages: 1 type byte + int32 big-endian length (which counts itself, not the type byte)
/// + payload, and, on the client side, the untyped startup-phase packets (int32 length + int32 code). Never throws:
/// short input is <see cref="OperationStatus.NeedMoreData"/>, anything that cannot be a message is
/// <see cref="OperationStatus.InvalidData"/>.
/// </summary>
public static class PgsqlParser
{
    /// <summary>Type byte + length.</summary>
    public const int HeaderBytes = 5;

    /// <summary>PostgreSQL refuses startup packets over 10000 bytes (MAX_STARTUP_PACKET_LENGTH).</summary>
    public const int MaxStartupBytes = 10000;

    /// <summary>The server's limit on a message (PQ_LARGE_MESSAGE_LIMIT is 1 GiB); longer lengths are garbage.</summary>
    public const int MaxMessageBytes = 1 << 30;

    /// <summary>
    /// Parses the message at the start of <paramref name="buf"/>. Messages longer than <paramref name="maxHeld"/>
    /// bytes come back <see cref="PgsqlMessage.Truncated"/> once that many bytes are held: <paramref name="consumed"/>
    /// is then what the caller can consume now, and the rest of the message (Length − consumed) must be skipped.
    /// </summary>
    public static OperationStatus TryParse(ReadOnlySpan<byte> buf, bool frontend, int maxHeld, out PgsqlMessage msg, out int consumed)
    {
        msg = default;
        consumed = 0;
        if (buf.IsEmpty)
        {
            return OperationStatus.NeedMoreData;
        }

        if (frontend && buf[0] == 0)
        {
            return TryParseStartup(buf, out msg, out consumed);
        }

        var tag = buf[0];
        if (!(frontend ? PgsqlTag.IsFrontend(tag) : PgsqlTag.IsBackend(tag)))
        {
            return OperationStatus.InvalidData;
        }

        if (buf.Length < HeaderBytes)
        {
            return OperationStatus.NeedMoreData;
        }

        var len = BinaryPrimitives.ReadInt32BigEndian(buf[1..]);
        var fixedLen = PgsqlTag.FixedLength(tag, frontend);
        if (len < 4 || len > MaxMessageBytes || (fixedLen >= 0 && len != fixedLen))
        {
            return OperationStatus.InvalidData;
        }

        var total = (long)len + 1;
        if (total > maxHeld)
        {
            if (buf.Length < maxHeld)
            {
                return OperationStatus.NeedMoreData;
            }

            msg = new PgsqlMessage(tag, total, buf[HeaderBytes..maxHeld], truncated: true);
            consumed = maxHeld;
            return OperationStatus.Done;
        }

        if (buf.Length < total)
        {
            return OperationStatus.NeedMoreData;
        }

        msg = new PgsqlMessage(tag, total, buf[HeaderBytes..(int)total], truncated: false);
        consumed = (int)total;
        return OperationStatus.Done;
    }

    /// <summary>A startup packet, SSLRequest, GSSENCRequest or CancelRequest; the payload starts with its code.</summary>
    public static OperationStatus TryParseStartup(ReadOnlySpan<byte> buf, out PgsqlMessage msg, out int consumed)
    {
        msg = default;
        consumed = 0;
        if (buf.Length < 8)
        {
            // The length is below 10000, so its first two bytes are zero.
            return buf.Length >= 2 && buf[1] != 0 ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
        }

        var len = BinaryPrimitives.ReadInt32BigEndian(buf);
        var code = BinaryPrimitives.ReadInt32BigEndian(buf[4..]);
        var valid = code switch
        {
            PgsqlTag.SslRequestCode or PgsqlTag.GssEncRequestCode => len == 8,
            PgsqlTag.CancelRequestCode => len == 16,
            PgsqlTag.ProtocolVersion3 => len is > 8 and <= MaxStartupBytes,
            _ => false,
        };
        if (!valid)
        {
            return OperationStatus.InvalidData;
        }

        if (buf.Length < len)
        {
            return OperationStatus.NeedMoreData;
        }

        msg = new PgsqlMessage(0, len, buf[4..len], truncated: false);
        consumed = len;
        return OperationStatus.Done;
    }

    /// <summary>
    /// First bytes a PostgreSQL client sends: a startup-phase packet, or a typed frontend message with a plausible
    /// length (a connection met after its startup). Used for user-space protocol inference.
    /// </summary>
    public static bool LooksLikePgsql(ReadOnlySpan<byte> buf)
    {
        if (buf.Length < 8)
        {
            return false;
        }

        if (buf[0] == 0)
        {
            return TryParseStartup(buf, out _, out _) != OperationStatus.InvalidData;
        }

        var tag = buf[0];
        if (!PgsqlTag.IsFrontend(tag) || tag is PgsqlTag.CopyData or PgsqlTag.CopyDone)
        {
            return false;
        }

        var len = BinaryPrimitives.ReadInt32BigEndian(buf[1..]);
        var fixedLen = PgsqlTag.FixedLength(tag, frontend: true);
        if (fixedLen >= 0 ? len != fixedLen : len is < 5 or > 16 << 20)
        {
            return false;
        }

        // A whole simple query or Parse held: it must end in its NUL terminators.
        if (tag is PgsqlTag.Query && buf.Length > len)
        {
            return buf[len] == 0;
        }

        // Several messages in one write: the next must be framed too.
        return buf.Length < len + 1 + HeaderBytes || PgsqlTag.IsFrontend(buf[len + 1]);
    }

    /// <summary>
    /// The role of the process that sent <paramref name="sent"/> and received <paramref name="received"/>, from type
    /// bytes only one side uses: 1 client, 2 server, 0 unknown.
    /// </summary>
    public static int InferRole(ReadOnlySpan<byte> sent, ReadOnlySpan<byte> received)
    {
        if (IsClientStart(sent) || IsServerStart(received))
        {
            return 1;
        }

        if (IsClientStart(received) || IsServerStart(sent))
        {
            return 2;
        }

        return 0;
    }

    /// <summary>Where the next plausible message starts in <paramref name="buf"/> (after garbage or a gap); -1 when none.</summary>
    public static int FindMessageStart(ReadOnlySpan<byte> buf, bool frontend)
    {
        for (var i = 0; i < buf.Length; i++)
        {
            var status = TryParse(buf[i..], frontend, MaxMessageBytes, out _, out var used);
            if (status == OperationStatus.InvalidData)
            {
                continue;
            }

            if (status == OperationStatus.NeedMoreData)
            {
                // Only a header this close to the end can still become a message; a long claimed body is not proof.
                if (buf.Length - i <= HeaderBytes || (frontend && buf[i] == 0))
                {
                    return i;
                }

                var len = BinaryPrimitives.ReadInt32BigEndian(buf[(i + 1)..]);
                if (len <= 64 * 1024)
                {
                    return i;
                }

                continue;
            }

            // A whole message: accept it when what follows is also a message start, or nothing follows.
            var next = i + used;
            if (next >= buf.Length || TryParse(buf[next..], frontend, MaxMessageBytes, out _, out _) != OperationStatus.InvalidData)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsClientStart(ReadOnlySpan<byte> buf) =>
        buf.Length >= HeaderBytes && (buf[0] == 0 ? buf.Length >= 8 && LooksLikePgsql(buf) : PgsqlTag.IsFrontendOnly(buf[0]) && LooksLikePgsql(buf));

    private static bool IsServerStart(ReadOnlySpan<byte> buf)
    {
        if (buf.Length < HeaderBytes || !PgsqlTag.IsBackendOnly(buf[0]))
        {
            return false;
        }

        var len = BinaryPrimitives.ReadInt32BigEndian(buf[1..]);
        var fixedLen = PgsqlTag.FixedLength(buf[0], frontend: false);
        return fixedLen >= 0 ? len == fixedLen : len is >= 4 and <= 16 << 20;
    }
}
