using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace PixieHost.Modules.Rpc;

/// <summary>
/// The gRPC length-prefixed message: 1 byte compressed flag, 4 bytes big-endian payload length, payload.
/// </summary>
#if PIXIE_CLIENT_SDK
internal static class GrpcFraming
#else
public static class GrpcFraming
#endif
{
    /// <summary>Reads the 5-byte prefix; false when fewer than 5 bytes are buffered.</summary>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out bool compressed, out uint length)
    {
        compressed = false;
        length = 0;
        if (buffer.Length < GrpcProtocol.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        compressed = header[0] != 0;
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return true;
    }

    /// <summary>
    /// Slices one whole message out of <paramref name="buffer"/>; false when it is not all buffered yet.
    /// <paramref name="end"/> is the position just after the message.
    /// </summary>
    public static bool TryReadMessage(in ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload, out SequencePosition end)
    {
        payload = default;
        end = buffer.Start;
        if (!TryReadHeader(buffer, out _, out var length) || buffer.Length - GrpcProtocol.HeaderSize < length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.HeaderSize, length);
        end = payload.End;
        return true;
    }

    /// <summary>Writes <paramref name="message"/> with its prefix straight into <paramref name="writer"/> (one copy, no temp array).</summary>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message)
    {
        var size = message.CalculateSize();
        var span = writer.GetSpan(GrpcProtocol.HeaderSize + size);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
        message.WriteTo(span.Slice(GrpcProtocol.HeaderSize, size));
        writer.Advance(GrpcProtocol.HeaderSize + size);
    }

    /// <summary>Writes an already encoded message with its prefix.</summary>
    public static void WriteSerialized(IBufferWriter<byte> writer, ReadOnlySpan<byte> message)
    {
        var span = writer.GetSpan(GrpcProtocol.HeaderSize + message.Length);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)message.Length);
        message.CopyTo(span[GrpcProtocol.HeaderSize..]);
        writer.Advance(GrpcProtocol.HeaderSize + message.Length);
    }

    /// <summary>One framed message as a new array (client request bodies).</summary>
    public static byte[] ToFramedArray(IMessage message)
    {
        var size = message.CalculateSize();
        var bytes = new byte[GrpcProtocol.HeaderSize + size];
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)size);
        message.WriteTo(bytes.AsSpan(GrpcProtocol.HeaderSize));
        return bytes;
    }
}
