namespace PixieHost.Modules.Pem.Protocols.Redis;

/// <summary>
/// A reusable byte buffer the parser renders a command's arguments or a reply into. Writes past
/// <see cref="Limit"/> are counted in <see cref="FullLength"/> but not kept, so a 1 MiB bulk string costs no
/// 1 MiB copy when the column keeps 1024 bytes of it.
/// </summary>
public sealed class RedisText
{
    private byte[] _buf = new byte[256];

    public RedisText(int limit = 4096)
    {
        Limit = limit;
    }

    /// <summary>Most bytes kept.</summary>
    public int Limit { get; set; }

    /// <summary>Bytes kept (at most <see cref="Limit"/>).</summary>
    public int Length { get; private set; }

    /// <summary>Bytes the full rendering has.</summary>
    public long FullLength { get; private set; }

    public ReadOnlySpan<byte> Span => _buf.AsSpan(0, Length);

    public void Clear()
    {
        Length = 0;
        FullLength = 0;
    }

    public byte[] ToArray() => Span.ToArray();

    public void Append(byte b)
    {
        FullLength++;
        if (Length >= Limit)
        {
            return;
        }

        if (Length == _buf.Length)
        {
            Array.Resize(ref _buf, Math.Min(_buf.Length * 2, Math.Max(Limit, 16)));
        }

        _buf[Length++] = b;
    }

    public void Append(ReadOnlySpan<byte> s)
    {
        FullLength += s.Length;
        var keep = Math.Min(s.Length, Limit - Length);
        if (keep <= 0)
        {
            return;
        }

        if (Length + keep > _buf.Length)
        {
            Array.Resize(ref _buf, Math.Min(Math.Max(_buf.Length * 2, Length + keep), Math.Max(Limit, 16)));
        }

        s[..keep].CopyTo(_buf.AsSpan(Length));
        Length += keep;
    }

    /// <summary>Appends <paramref name="s"/> as a quoted JSON string (control bytes as \u00XX, bytes ≥ 0x80 as they are).</summary>
    public void AppendJsonString(ReadOnlySpan<byte> s)
    {
        Append((byte)'"');
        AppendJsonEscaped(s);
        Append((byte)'"');
    }

    /// <summary>Appends <paramref name="s"/> escaped for the inside of a JSON string, without quotes.</summary>
    public void AppendJsonEscaped(ReadOnlySpan<byte> s)
    {
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
            switch (c)
            {
                case (byte)'"': Append("\\\""u8); break;
                case (byte)'\\': Append("\\\\"u8); break;
                case (byte)'\n': Append("\\n"u8); break;
                case (byte)'\r': Append("\\r"u8); break;
                case (byte)'\t': Append("\\t"u8); break;
                default:
                    Append("\\u00"u8);
                    Append((byte)"0123456789abcdef"[c >> 4]);
                    Append((byte)"0123456789abcdef"[c & 15]);
                    break;
            }
        }

        Append(s[start..]);
    }

    /// <summary>Appends a JSON key: <c>"name":</c>.</summary>
    public void AppendKey(ReadOnlySpan<byte> name)
    {
        AppendJsonString(name);
        Append((byte)':');
    }
}
