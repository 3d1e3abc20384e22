using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PixieHost.Modules.TableStore;

/// <summary>
/// A string column's dictionary encoding: the distinct values in first-seen order and each row's code into them.
/// Kernels compare and group on the int codes instead of the bytes.
/// </summary>
public sealed class StringDictionary
{
    /// <summary>Most distinct values a column may have and still be encoded.</summary>
    public const int MaxValues = 1 << 16;

    internal StringDictionary(int[] codes, StringColumn values)
    {
        Codes = codes;
        Values = values;
    }

    /// <summary>Row i's code; the array may be longer than the column.</summary>
    public int[] Codes { get; }

    /// <summary>The distinct values, plain (never encoded themselves).</summary>
    public StringColumn Values { get; }

    public int Count => Values.Length;

    /// <summary>The code of <paramref name="utf8"/>, or -1 when no row holds it.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < Values.Length; i++)
        {
            if (Values.GetSpan(i).SequenceEqual(utf8))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A hash of the bytes (8 at a time, length mixed in); shared by the dictionary builders.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var h = (ulong)bytes.Length * 0x9E3779B97F4A7C15;
        while (bytes.Length >= 8)
        {
            h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            tail |= (ulong)bytes[i] << (8 * i);
        }

        return Mix(h, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v * 0xFF51AFD7ED558CCD;
        return BitOperations.RotateLeft(h, 31) * 0xC4CEB9FE1A85EC53;
    }

    /// <summary>Encodes a plain column; null when it has more distinct values than half its rows or <see cref="MaxValues"/>.</summary>
    internal static StringDictionary? TryBuild(StringColumn column)
    {
        var n = column.Length;
        var limit = Math.Min(MaxValues, Math.Max(16, n / 2));
        if (n == 0)
        {
            return new StringDictionary([], StringColumn.FromStrings([]));
        }

        var data = column.Data;
        var offsets = column.Offsets;
        var buckets = new int[BitOperations.RoundUpToPowerOf2((uint)Math.Min(limit, n) * 2)];
        var mask = buckets.Length - 1;
        var firstRow = new int[Math.Min(limit, n) + 1];
        var codes = new int[n];
        var count = 0;
        for (var row = 0; row < n; row++)
        {
            var span = data.AsSpan(offsets[row], offsets[row + 1] - offsets[row]);
            var slot = (int)(Hash(span) >> 40) & mask;
            int code;
            while (true)
            {
                code = buckets[slot] - 1;
                if (code < 0)
                {
                    if (count == limit)
                    {
                        return null;
                    }

                    code = count++;
                    firstRow[code] = row;
                    buckets[slot] = code + 1;
                    break;
                }

                var r = firstRow[code];
                if (data.AsSpan(offsets[r], offsets[r + 1] - offsets[r]).SequenceEqual(span))
                {
                    break;
                }

                slot = (slot + 1) & mask;
            }

            codes[row] = code;
        }

        var values = new StringColumnBuilder(count, count * 16);
        for (var c = 0; c < count; c++)
        {
            var r = firstRow[c];
            values.Append(data.AsSpan(offsets[r], offsets[r + 1] - offsets[r]));
        }

        return new StringDictionary(codes, values.Build());
    }
}
