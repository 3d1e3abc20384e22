using System.Buffers.Binary;

namespace PixieHost.Modules.QueryBroker;

/// <summary>Protobuf wire reading over a span; every method returns false on truncated or malformed input, never throws.</summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly bool End => _position >= _buffer.Length;

    public bool TryReadTag(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (!TryReadVarint(out var tag) || tag > int.MaxValue || (tag >> 3) == 0)
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && _position < _buffer.Length; shift += 7)
        {
            var b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryReadFixed64(out ulong value)
    {
        value = 0;
        if (_buffer.Length - _position < 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
        _position += 8;
        return true;
    }

    public bool TryReadLengthDelimited(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryReadVarint(out var length) || length > (ulong)(_buffer.Length - _position))
        {
            return false;
        }

        value = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    /// <summary>Skips a field of an unknown number (groups, wire types 3 and 4, are refused: proto3 has none).</summary>
    public bool TrySkip(int wireType)
    {
        switch (wireType)
        {
            case ProtoWriter.Varint:
                return TryReadVarint(out _);
            case ProtoWriter.Fixed64:
                return TryReadFixed64(out _);
            case ProtoWriter.LengthDelimited:
                return TryReadLengthDelimited(out _);
            case 5:
                if (_buffer.Length - _position < 4)
                {
                    return false;
                }

                _position += 4;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Number of varints in a packed field: one terminating byte (high bit clear) each.</summary>
    public static int CountVarints(ReadOnlySpan<byte> packed)
    {
        var n = 0;
        foreach (var b in packed)
        {
            n += b >> 7 ^ 1;
        }

        return n;
    }
}
