namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>
/// A text being built for a req or resp cell: keeps its first <see cref="Cap"/> bytes and counts the full length,
/// so truncation ("... [TRUNCATED]") is decided when the row is written. The buffer is reused between messages.
/// </summary>
public sealed class PgsqlText
{
    private byte[] _buf = new byte[64];

    public int Cap { get; private set; } = 1024;

    /// <summary>Bytes appended, kept or not.</summary>
    public long FullLength { get; private set; }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buf.AsSpan(0, Length);

    public bool IsFull => Length >= Cap;

    public void Reset(int cap)
    {
        Cap = Math.Max(cap, 0);
        Length = 0;
        FullLength = 0;
    }

    public void Append(ReadOnlySpan<byte> s)
    {
        FullLength += s.Length;
        var n = Math.Min(s.Length, Cap - Length);
        if (n <= 0)
        {
            return;
        }

        Ensure(Length + n);
        s[..n].CopyTo(_buf.AsSpan(Length));
        Length += n;
    }

    public void Append(byte b)
    {
        FullLength++;
        if (Length < Cap)
        {
            Ensure(Length + 1);
            _buf[Length++] = b;
        }
    }

    /// <summary>Counts <paramref name="n"/> bytes that were not kept (a value the parser never held).</summary>
    public void AddUnheld(long n) => FullLength += n;

    public void CopyFrom(PgsqlText other)
    {
        Length = 0;
        FullLength = 0;
        Append(other.Written);
        FullLength = other.FullLength;
    }

    /// <summary>A span of up to <paramref name="n"/> bytes to format into; commit with <see cref="Commit"/>.</summary>
    public Span<byte> Scratch(int n)
    {
        Ensure(Length + n);
        return _buf.AsSpan(Length, n);
    }

    /// <summary>Commits <paramref name="n"/> bytes written into <see cref="Scratch"/>, dropping what passes the cap.</summary>
    public void Commit(int n)
    {
        FullLength += n;
        Length += Math.Min(n, Math.Max(Cap - Length, 0));
    }

    private void Ensure(int size)
    {
        if (size > _buf.Length)
        {
            Array.Resize(ref _buf, Math.Max(size, _buf.Length * 2));
        }
    }
}
