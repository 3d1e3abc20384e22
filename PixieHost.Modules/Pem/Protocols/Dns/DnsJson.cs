using System.Buffers.Text;

namespace PixieHost.Modules.Pem.Protocols.Dns;

/// <summary>A reusable UTF-8 buffer the parser writes a message's header and body JSON into.</summary>
public sealed class DnsJson
{
    private byte[] _buf = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _buf.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public byte[] ToArray() => Span.ToArray();

    public void Append(ReadOnlySpan<byte> s)
    {
        Ensure(s.Length);
        s.CopyTo(_buf.AsSpan(Length));
        Length += s.Length;
    }

    public void Append(byte b)
    {
        Ensure(1);
        _buf[Length++] = b;
    }

    public void Append(uint v)
    {
        Ensure(10);
        Utf8Formatter.TryFormat(v, _buf.AsSpan(Length), out var n);
        Length += n;
    }

    /// <summary><c>"name":value</c>, with a comma before it unless <paramref name="first"/>.</summary>
    public void Field(ReadOnlySpan<byte> name, uint value, bool first = false)
    {
        if (!first)
        {
            Append((byte)',');
        }

        Append((byte)'"');
        Append(name);
        Append("\":"u8);
        Append(value);
    }

    /// <summary>A quoted JSON string (control bytes escaped as \u00XX).</summary>
    public void String(ReadOnlySpan<byte> s)
    {
        Append((byte)'"');
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            Append(s[start..i]);
            start = i + 1;
            Append((byte)'\\');
            if (c is (byte)'"' or (byte)'\\')
            {
                Append(c);
            }
            else
            {
                Append("u00"u8);
                Append((byte)"0123456789abcdef"[c >> 4]);
                Append((byte)"0123456789abcdef"[c & 15]);
            }
        }

        Append(s[start..]);
        Append((byte)'"');
    }

    private void Ensure(int extra)
    {
        if (Length + extra > _buf.Length)
        {
            Array.Resize(ref _buf, Math.Max(_buf.Length * 2, Length + extra));
        }
    }
}
