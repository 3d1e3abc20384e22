using System.Buffers;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>
/// Headers as a JSON object, the way Pixie writes its header multimap: keys in byte order, a key seen more than
/// once holds an array of its values in arrival order (<c>{"Accept":"*/*","Set-Cookie":["a=1","b=2"]}</c>).
/// Written straight into the column builder; over the limit the text is cut and "... [TRUNCATED]" appended.
/// </summary>
public static class HttpHeadersJson
{
    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    /// <summary>Above this many headers the order is left as received (sorting is quadratic).</summary>
    private const int MaxSortedHeaders = 64;

    public static void Write(StringColumnBuilder col, HttpFrame frame, int maxBytes)
    {
        var n = frame.HeaderCount;
        Span<byte> order = stackalloc byte[Math.Min(n, 255)];
        Span<ulong> keys = stackalloc ulong[order.Length];
        SortByName(frame, order, keys);
        var dst = col.BeginAppend(maxBytes + HttpEventsWriter.TruncatedSuffix.Length);
        var w = new JsonSink(dst[..maxBytes], frame.HeadNeedsEscape);
        w.Raw((byte)'{');
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            var name = frame.HeaderName(i);
            if (k > 0 && keys[k] == keys[k - 1] && name.SequenceEqual(frame.HeaderName(order[k - 1])))
            {
                continue;
            }

            var repeats = 1;
            while (k + repeats < order.Length && keys[k + repeats] == keys[k] && name.SequenceEqual(frame.HeaderName(order[k + repeats])))
            {
                repeats++;
            }

            if (k > 0)
            {
                w.Raw((byte)',');
            }

            w.String(name);
            w.Raw((byte)':');
            if (repeats == 1)
            {
                w.String(frame.HeaderValue(i));
                continue;
            }

            w.Raw((byte)'[');
            for (var r = 0; r < repeats; r++)
            {
                if (r > 0)
                {
                    w.Raw((byte)',');
                }

                w.String(frame.HeaderValue(order[k + r]));
            }

            w.Raw((byte)']');
        }

        w.Raw((byte)'}');
        if (w.Overflow)
        {
            HttpEventsWriter.TruncatedSuffix.CopyTo(dst[maxBytes..]);
            col.CommitWritten(maxBytes + HttpEventsWriter.TruncatedSuffix.Length);
        }
        else
        {
            col.CommitWritten(w.Written);
        }
    }

    /// <summary>
    /// Stable insertion sort of header indices by name bytes (std::multimap order). Names are compared by their
    /// first 8 bytes as one big-endian number first, which settles nearly every comparison without a span.
    /// On return <paramref name="keys"/>[k] is the prefix key of the k-th name in order.
    /// </summary>
    private static void SortByName(HttpFrame frame, Span<byte> order, Span<ulong> keys)
    {
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = (byte)i;
            keys[i] = PrefixKey(frame.HeaderName(i));
        }

        if (order.Length > MaxSortedHeaders)
        {
            return;
        }

        for (var i = 1; i < order.Length; i++)
        {
            var cur = order[i];
            var key = keys[i];
            var j = i - 1;
            while (j >= 0 && (keys[j] > key || (keys[j] == key && frame.HeaderName(order[j]).SequenceCompareTo(frame.HeaderName(cur)) > 0)))
            {
                order[j + 1] = order[j];
                keys[j + 1] = keys[j];
                j--;
            }

            order[j + 1] = cur;
            keys[j + 1] = key;
        }
    }

    private static ulong PrefixKey(ReadOnlySpan<byte> name)
    {
        if (name.Length >= 8)
        {
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(name);
        }

        ulong key = 0;
        for (var i = 0; i < name.Length; i++)
        {
            key |= (ulong)name[i] << (56 - (8 * i));
        }

        return key;
    }

    /// <summary>Writes JSON into a fixed span; past its end it only records that it overflowed.</summary>
    private ref struct JsonSink(Span<byte> dst, bool mayNeedEscape)
    {
        private readonly Span<byte> _dst = dst;
        private readonly bool _mayNeedEscape = mayNeedEscape;

        public int Written { get; private set; }

        public bool Overflow { get; private set; }

        public void Raw(byte b)
        {
            if (Written < _dst.Length)
            {
                _dst[Written++] = b;
            }
            else
            {
                Overflow = true;
            }
        }

        public void String(ReadOnlySpan<byte> s)
        {
            if (Written + s.Length + 2 <= _dst.Length && (!_mayNeedEscape || s.IndexOfAny(NeedsEscape) < 0))
            {
                _dst[Written] = (byte)'"';
                s.CopyTo(_dst[(Written + 1)..]);
                _dst[Written + s.Length + 1] = (byte)'"';
                Written += s.Length + 2;
                return;
            }

            Raw((byte)'"');
            foreach (var b in s)
            {
                switch (b)
                {
                    case (byte)'"':
                    case (byte)'\\':
                        Raw((byte)'\\');
                        Raw(b);
                        break;
                    case < 0x20:
                        Raw((byte)'\\');
                        Raw((byte)'u');
                        Raw((byte)'0');
                        Raw((byte)'0');
                        Raw(Hex(b >> 4));
                        Raw(Hex(b & 0xf));
                        break;
                    default:
                        Raw(b);
                        break;
                }
            }

            Raw((byte)'"');
        }

        private static byte Hex(int v) => (byte)(v < 10 ? '0' + v : 'a' + v - 10);
    }
}
