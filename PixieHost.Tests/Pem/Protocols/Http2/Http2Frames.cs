using System.Text;
using PixieHost.Modules.Pem.Protocols.Http2;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>Builds HTTP/2 frames and simple HPACK blocks (literals without Huffman) for unit tests.</summary>
internal static class Http2Frames
{
    public static byte[] Frame(Http2FrameType type, byte flags, int stream, ReadOnlySpan<byte> payload)
    {
        var f = new byte[9 + payload.Length];
        f[0] = (byte)(payload.Length >> 16);
        f[1] = (byte)(payload.Length >> 8);
        f[2] = (byte)payload.Length;
        f[3] = (byte)type;
        f[4] = flags;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(5), stream);
        payload.CopyTo(f.AsSpan(9));
        return f;
    }

    /// <summary>A header block of literal fields without indexing (0x00, new name) or with incremental indexing.</summary>
    public static byte[] Block(bool index, params (string Name, string Value)[] fields)
    {
        var b = new List<byte>();
        foreach (var (n, v) in fields)
        {
            b.Add(index ? (byte)0x40 : (byte)0x00);
            Str(b, n);
            Str(b, v);
        }

        return [.. b];
    }

    public static byte[] Grpc(params byte[] message) =>
        [0, (byte)(message.Length >> 24), (byte)(message.Length >> 16), (byte)(message.Length >> 8), (byte)message.Length, .. message];

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static void Str(List<byte> b, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        if (bytes.Length < 127)
        {
            b.Add((byte)bytes.Length);
        }
        else
        {
            b.Add(127);
            var rest = bytes.Length - 127;
            while (rest >= 128)
            {
                b.Add((byte)((rest & 0x7f) | 0x80));
                rest >>= 7;
            }

            b.Add((byte)rest);
        }

        b.AddRange(bytes);
    }
}
