using System.Buffers.Binary;

namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>Reads the fields of a message payload; every read is bounds-checked and returns false past the end.</summary>
public ref struct PgsqlReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _buf = payload;
    private int _pos;

    public readonly int Remaining => _buf.Length - _pos;

    public readonly ReadOnlySpan<byte> Rest => _buf[_pos..];

    public bool TryReadByte(out byte value)
    {
        if (_pos >= _buf.Length)
        {
            value = 0;
            return false;
        }

        value = _buf[_pos++];
        return true;
    }

    public bool TryReadInt16(out short value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt16BigEndian(_buf[_pos..]);
        _pos += 2;
        return true;
    }

    public bool TryReadInt32(out int value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt32BigEndian(_buf[_pos..]);
        _pos += 4;
        return true;
    }

    /// <summary>A NUL-terminated string (without its NUL); false when the terminator is missing.</summary>
    public bool TryReadCString(out ReadOnlySpan<byte> value)
    {
        var end = _buf[_pos..].IndexOf((byte)0);
        if (end < 0)
        {
            value = default;
            return false;
        }

        value = _buf.Slice(_pos, end);
        _pos += end + 1;
        return true;
    }

    /// <summary>A NUL-terminated string, or what is left when the message was cut before its NUL.</summary>
    public ReadOnlySpan<byte> ReadCStringOrRest()
    {
        if (TryReadCString(out var s))
        {
            return s;
        }

        s = _buf[_pos..];
        _pos = _buf.Length;
        return s;
    }

    /// <summary>Up to <paramref name="count"/> bytes; <paramref name="complete"/> is false when fewer were left.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, out bool complete)
    {
        complete = count <= Remaining;
        var n = Math.Min(Math.Max(count, 0), Remaining);
        var s = _buf.Slice(_pos, n);
        _pos += n;
        return s;
    }
}
