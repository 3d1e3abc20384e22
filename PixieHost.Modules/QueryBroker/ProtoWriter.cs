using System.Buffers.Binary;
using System.Numerics;

namespace PixieHost.Modules.QueryBroker;

/// <summary>Protobuf wire primitives over a span whose size was computed beforehand (no bounds growth, no allocation).</summary>
internal ref struct ProtoWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Position { get; private set; }

    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;

    public static int VarintSize(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    /// <summary>Size of a length-delimited field: tag (one byte for fields 1-15), length prefix, payload.</summary>
    public static int DelimitedSize(int payload) => 1 + VarintSize((ulong)payload) + payload;

    public void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[Position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[Position++] = (byte)value;
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer[Position..], value);
        Position += 8;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
    }

    public void WriteUtf8(string value) => Position += System.Text.Encoding.UTF8.GetBytes(value, _buffer[Position..]);

    /// <summary>Tag and length prefix of a length-delimited field; the caller writes <paramref name="length"/> bytes next.</summary>
    public void BeginDelimited(int field, int length)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)length);
    }
}
