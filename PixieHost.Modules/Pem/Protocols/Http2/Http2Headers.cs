using PixieHost.Modules.Pem.Protocols.Http;

namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// The header fields of one HTTP/2 message (headers and trailers, in arrival order), as name and value byte
/// ranges of one buffer. Past <see cref="MaxBytes"/> fields are dropped and <see cref="Truncated"/> set (Pixie
/// caps headers at 8 KiB; 16 KiB leaves room for gRPC's long paths and metadata).
/// </summary>
public sealed class Http2Headers
{
    public const int MaxBytes = 16 * 1024;

    private byte[] _bytes = new byte[256];
    private int _length;
    private (int Name, int NameLength, int ValueLength)[] _fields = new (int, int, int)[16];

    public int Count { get; private set; }

    /// <summary>Fields were dropped because the message's headers exceeded <see cref="MaxBytes"/>.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Some field came from HPACK state from before tracing and is reported as unknown.</summary>
    public bool HasUnknown { get; internal set; }

    public ReadOnlySpan<byte> Name(int i) => _bytes.AsSpan(_fields[i].Name, _fields[i].NameLength);

    public ReadOnlySpan<byte> Value(int i) => _bytes.AsSpan(_fields[i].Name + _fields[i].NameLength, _fields[i].ValueLength);

    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var need = name.Length + value.Length;
        if (_length + need > MaxBytes)
        {
            Truncated = true;
            return;
        }

        if (_length + need > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_length + need, _bytes.Length * 2));
        }

        if (Count == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        name.CopyTo(_bytes.AsSpan(_length));
        value.CopyTo(_bytes.AsSpan(_length + name.Length));
        _fields[Count++] = (_length, name.Length, value.Length);
        _length += need;
    }

    /// <summary>The value of the first field named <paramref name="name"/>.</summary>
    public bool TryGet(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < Count; i++)
        {
            if (Name(i).SequenceEqual(name))
            {
                value = Value(i);
                return true;
            }
        }

        value = default;
        return false;
    }

    public void Clear()
    {
        _length = 0;
        Count = 0;
        Truncated = false;
        HasUnknown = false;
    }

    /// <summary>Loads the fields into <paramref name="frame"/> so <see cref="HttpHeadersJson"/> can write them.</summary>
    internal void CopyTo(HttpFrame frame)
    {
        frame.Reset();
        frame.CopyHead(_bytes.AsSpan(0, _length));
        for (var i = 0; i < Count; i++)
        {
            var f = _fields[i];
            frame.AddHeader(f.Name, f.NameLength, f.Name + f.NameLength, f.ValueLength);
        }

        frame.HeadNeedsEscape = true;
    }
}
