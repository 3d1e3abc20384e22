namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>What <see cref="HpackDecoder.Decode"/> made of a header block.</summary>
public enum HpackStatus
{
    /// <summary>Every field decoded (some may be unknown: state from before tracing).</summary>
    Ok,

    /// <summary>The block is malformed; the fields before the error were kept and the table's state is now unknown.</summary>
    Error,
}

/// <summary>
/// An HPACK decoder (RFC 7541) for one direction of one connection: static and dynamic table, integers, string
/// literals, Huffman, dynamic table size updates.
/// <para>
/// When tracing started after the connection did, the table may hold entries inserted before we looked
/// (<see cref="MayHoldUnknownEntries"/>). The entries inserted since are known and are the newest, so indices
/// that reach past them are reported as <see cref="UnknownName"/> / <see cref="UnknownValue"/>, never guessed.
/// The old entries are evicted first; once the known entries alone leave no room for even an empty one
/// (size + 32 &gt; max), the table is fully known again. A malformed block, or a lost header block (gap in the
/// stream), makes the whole table unknown.
/// </para>
/// </summary>
public sealed class HpackDecoder
{
    public const int DefaultMaxTableSize = 4096;

    /// <summary>Largest table size accepted from a size update (peers rarely go past 64 KiB).</summary>
    public const int MaxTableSizeLimit = 1 << 20;

    private const int EntryOverhead = 32;

    private Entry[] _ring = new Entry[32];
    private int _oldest;
    private byte[] _name = new byte[256];
    private byte[] _value = new byte[256];

    /// <summary>A fresh decoder; <paramref name="stateKnown"/> false when the connection began before tracing.</summary>
    public HpackDecoder(bool stateKnown = true, int maxTableSize = DefaultMaxTableSize)
    {
        MayHoldUnknownEntries = !stateKnown;
        MaxTableSize = maxTableSize;
    }

    /// <summary>Name reported for a field whose name is in table state from before tracing.</summary>
    public static ReadOnlySpan<byte> UnknownName => "<unknown>"u8;

    /// <summary>Value reported for a field whose value is in table state from before tracing.</summary>
    public static ReadOnlySpan<byte> UnknownValue => "<unknown: HPACK state from before tracing>"u8;

    /// <summary>The table may hold entries from before tracing (see the class remarks).</summary>
    public bool MayHoldUnknownEntries { get; private set; }

    /// <summary>Maximum dynamic table size (4096 until a size update).</summary>
    public int MaxTableSize { get; private set; } = DefaultMaxTableSize;

    /// <summary>Size (RFC 7541 4.1) of the known entries.</summary>
    public int TableSize { get; private set; }

    /// <summary>Known dynamic table entries.</summary>
    public int Count { get; private set; }

    /// <summary>Fields reported unknown so far.</summary>
    public long UnknownFields { get; private set; }

    /// <summary>Forgets the table: a header block was lost, or the stream was met mid-way.</summary>
    public void LoseState()
    {
        Array.Clear(_ring);
        _oldest = 0;
        Count = 0;
        TableSize = 0;
        MayHoldUnknownEntries = true;
    }

    /// <summary>Decodes <paramref name="block"/> into <paramref name="dst"/> (null: decode only, to keep the table in step).</summary>
    public HpackStatus Decode(ReadOnlySpan<byte> block, Http2Headers? dst)
    {
        var pos = 0;
        while (pos < block.Length)
        {
            var b = block[pos];
            if ((b & 0x80) != 0)
            {
                if (!TryInteger(block, ref pos, 7, out var index) || index == 0)
                {
                    return Fail(dst);
                }

                if (!EmitIndexed(index, dst))
                {
                    return Fail(dst);
                }
            }
            else if ((b & 0xe0) == 0x20)
            {
                if (!TryInteger(block, ref pos, 5, out var size) || size > MaxTableSizeLimit)
                {
                    return Fail(dst);
                }

                MaxTableSize = size;
                Evict(0);
            }
            else
            {
                var incremental = (b & 0xc0) == 0x40;
                if (!TryInteger(block, ref pos, incremental ? 6 : 4, out var nameIndex))
                {
                    return Fail(dst);
                }

                var nameUnknown = false;
                int nameLength;
                if (nameIndex == 0)
                {
                    if (!TryString(block, ref pos, ref _name, out nameLength))
                    {
                        return Fail(dst);
                    }
                }
                else
                {
                    var r = Lookup(nameIndex, out var name, out _);
                    if (r == LookupResult.Invalid)
                    {
                        return Fail(dst);
                    }

                    nameUnknown = r is LookupResult.Unknown or LookupResult.UnknownName;
                    var n = nameUnknown ? UnknownName : name;
                    EnsureCapacity(ref _name, n.Length);
                    n.CopyTo(_name);
                    nameLength = n.Length;
                }

                if (!TryString(block, ref pos, ref _value, out var valueLength))
                {
                    return Fail(dst);
                }

                var nameSpan = _name.AsSpan(0, nameLength);
                var valueSpan = _value.AsSpan(0, valueLength);
                if (nameUnknown)
                {
                    UnknownFields++;
                    if (dst is not null)
                    {
                        dst.HasUnknown = true;
                    }
                }

                dst?.Add(nameSpan, valueSpan);
                if (incremental)
                {
                    Insert(nameUnknown ? [] : nameSpan, valueSpan, nameUnknown);
                }
            }
        }

        return HpackStatus.Ok;
    }

    private enum LookupResult
    {
        Known,
        UnknownName,
        Unknown,
        Invalid,
    }

    private bool EmitIndexed(int index, Http2Headers? dst)
    {
        var r = Lookup(index, out var name, out var value);
        switch (r)
        {
            case LookupResult.Known:
                dst?.Add(name, value);
                return true;
            case LookupResult.UnknownName:
            case LookupResult.Unknown:
                UnknownFields++;
                if (dst is not null)
                {
                    dst.HasUnknown = true;
                    dst.Add(UnknownName, r == LookupResult.UnknownName ? value : UnknownValue);
                }

                return true;
            default:
                return false;
        }
    }

    private LookupResult Lookup(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = value = default;
        if (index <= HpackStaticTable.Count)
        {
            name = HpackStaticTable.Name(index);
            value = HpackStaticTable.Value(index);
            return LookupResult.Known;
        }

        var d = index - HpackStaticTable.Count - 1;
        if (d >= Count)
        {
            return MayHoldUnknownEntries ? LookupResult.Unknown : LookupResult.Invalid;
        }

        ref var e = ref _ring[(_oldest + Count - 1 - d) & (_ring.Length - 1)];
        value = e.Data.AsSpan(e.NameLength);
        if (e.UnknownName)
        {
            return LookupResult.UnknownName;
        }

        name = e.Data.AsSpan(0, e.NameLength);
        return LookupResult.Known;
    }

    private void Insert(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool unknownName)
    {
        var size = name.Length + value.Length + EntryOverhead;
        if (size > MaxTableSize)
        {
            // RFC 7541 4.4: an entry larger than the table empties it (old unknown entries included).
            Evict(MaxTableSize + 1);
            Count = 0;
            TableSize = 0;
            MayHoldUnknownEntries = false;
            return;
        }

        Evict(size);
        if (Count == _ring.Length)
        {
            var grown = new Entry[_ring.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = _ring[(_oldest + i) & (_ring.Length - 1)];
            }

            _ring = grown;
            _oldest = 0;
        }

        var data = new byte[name.Length + value.Length];
        name.CopyTo(data);
        value.CopyTo(data.AsSpan(name.Length));
        _ring[(_oldest + Count) & (_ring.Length - 1)] = new Entry(data, name.Length, unknownName);
        Count++;
        TableSize += size;
        ForgetUnknownWhenNoRoom();
    }

    /// <summary>Evicts the oldest known entries until <paramref name="incoming"/> more bytes fit.</summary>
    private void Evict(int incoming)
    {
        while (Count > 0 && TableSize + incoming > MaxTableSize)
        {
            ref var e = ref _ring[_oldest];
            TableSize -= e.Data.Length + EntryOverhead;
            e = default;
            _oldest = (_oldest + 1) & (_ring.Length - 1);
            Count--;
        }

        ForgetUnknownWhenNoRoom();
    }

    /// <summary>Entries from before tracing are older than every known one, so they go first: with no room left for one, none remain.</summary>
    private void ForgetUnknownWhenNoRoom()
    {
        if (MayHoldUnknownEntries && TableSize + EntryOverhead > MaxTableSize)
        {
            MayHoldUnknownEntries = false;
        }
    }

    private HpackStatus Fail(Http2Headers? dst)
    {
        if (dst is not null)
        {
            dst.HasUnknown = true;
            dst.Add(UnknownName, UnknownValue);
        }

        UnknownFields++;
        LoseState();
        return HpackStatus.Error;
    }

    /// <summary>An HPACK integer with an <paramref name="prefixBits"/>-bit prefix (RFC 7541 5.1), at most 2^28.</summary>
    internal static bool TryInteger(ReadOnlySpan<byte> buf, ref int pos, int prefixBits, out int value)
    {
        var max = (1 << prefixBits) - 1;
        value = buf[pos++] & max;
        if (value < max)
        {
            return true;
        }

        var shift = 0;
        while (pos < buf.Length)
        {
            var b = buf[pos++];
            value += (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }

            shift += 7;
            if (shift > 21)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A string literal (RFC 7541 5.2) decoded into <paramref name="dst"/>.</summary>
    private static bool TryString(ReadOnlySpan<byte> buf, ref int pos, ref byte[] dst, out int length)
    {
        length = 0;
        if (pos >= buf.Length)
        {
            return false;
        }

        var huffman = (buf[pos] & 0x80) != 0;
        if (!TryInteger(buf, ref pos, 7, out var n) || n > buf.Length - pos)
        {
            return false;
        }

        var src = buf.Slice(pos, n);
        pos += n;
        if (!huffman)
        {
            EnsureCapacity(ref dst, n);
            src.CopyTo(dst);
            length = n;
            return true;
        }

        EnsureCapacity(ref dst, HpackHuffman.MaxDecodedLength(n));
        length = HpackHuffman.Decode(src, dst);
        return length >= 0;
    }

    private static void EnsureCapacity(ref byte[] buf, int n)
    {
        if (buf.Length < n)
        {
            buf = new byte[Math.Max(n, buf.Length * 2)];
        }
    }

    private readonly record struct Entry(byte[] Data, int NameLength, bool UnknownName);
}
