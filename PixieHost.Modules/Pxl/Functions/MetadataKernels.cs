using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// Kernels for metadata lookups. A key column (UPIDs, pod ids, IPs) has few distinct values per batch, so each
/// distinct value is looked up once per batch (consecutive repeats skip even the cache) and the answer's UTF-8
/// bytes are reused for every row: no per-row string, no per-row lookup.
/// </summary>
public static class MetadataKernels
{
    private const int StackDecodeChars = 256;

    /// <summary>Most distinct answers an encoded output holds; they are deduplicated pairwise, so this bounds that work.</summary>
    private const int MaxEncodedValues = 256;

    /// <summary>A kernel UINT128 → STRING.</summary>
    public static ScalarKernel UpidToString(Func<UInt128, string> lookup) => (args, rows) =>
    {
        var codes = UpidCodes(args[0], rows, u => Encoding.UTF8.GetBytes(lookup(u)), out var distinct);
        return Strings(codes, distinct, rows);
    };

    /// <summary>A kernel STRING → STRING.</summary>
    public static ScalarKernel StringToString(Func<string, string> lookup) => (args, rows) =>
    {
        var codes = StringCodes(args[0], rows, s => Encoding.UTF8.GetBytes(lookup(s)), out var distinct);
        return Strings(codes, distinct, rows);
    };

    /// <summary>A kernel STRING → STRING that answers all distinct values of a batch in one call (nslookup).</summary>
    public static ScalarKernel StringsToStrings(Func<IReadOnlyList<string>, IReadOnlyList<string>> lookupAll) => (args, rows) =>
    {
        var codes = StringCodes(args[0], rows, s => s, out var distinct);
        var answers = lookupAll(distinct);
        var bytes = new List<byte[]>(answers.Count);
        foreach (var a in answers)
        {
            bytes.Add(Encoding.UTF8.GetBytes(a));
        }

        return Strings(codes, bytes, rows);
    };

    /// <summary>A kernel STRING → INT64 or TIME64NS.</summary>
    public static ScalarKernel StringToInt64(Func<string, long> lookup, DataType type) => (args, rows) =>
        new Int64Column(Decode(StringCodes(args[0], rows, lookup, out var distinct), distinct, rows), rows, type);

    /// <summary>A kernel STRING → BOOLEAN.</summary>
    public static ScalarKernel StringToBool(Func<string, bool> lookup) => (args, rows) =>
        new BooleanColumn(Decode(StringCodes(args[0], rows, lookup, out var distinct), distinct, rows), rows);

    /// <summary>A kernel without arguments that answers one string for every row (vizier_name, get_cidrs).</summary>
    public static ScalarKernel Constant(Func<string> value) => (_, rows) =>
        Strings(new int[rows], [Encoding.UTF8.GetBytes(value())], rows);

    /// <summary>
    /// Each row's index into <paramref name="distinct"/>, the answers of <paramref name="lookup"/> computed once per
    /// distinct UPID of the batch.
    /// </summary>
    public static int[] UpidCodes<T>(in Datum arg, int rows, Func<UInt128, T> lookup, out List<T> distinct)
    {
        var codes = new int[rows];
        distinct = [];
        if (arg.IsScalar)
        {
            distinct.Add(lookup(arg.Scalar.UInt128));
            return codes;
        }

        var values = ((UInt128Column)arg.Column!).Values;
        var seen = new Dictionary<UInt128, int>();
        var last = default(UInt128);
        var lastCode = -1;
        for (var i = 0; i < rows; i++)
        {
            var u = values[i];
            if (lastCode < 0 || u != last)
            {
                if (!seen.TryGetValue(u, out lastCode))
                {
                    lastCode = distinct.Count;
                    distinct.Add(lookup(u));
                    seen[u] = lastCode;
                }

                last = u;
            }

            codes[i] = lastCode;
        }

        return codes;
    }

    /// <summary>
    /// Each row's index into <paramref name="distinct"/>, the answers of <paramref name="lookup"/> computed once per
    /// distinct string of the batch. Rows are decoded into a stack buffer to probe the cache, so only distinct
    /// values become strings.
    /// </summary>
    public static int[] StringCodes<T>(in Datum arg, int rows, Func<string, T> lookup, out List<T> distinct)
    {
        var codes = new int[rows];
        distinct = [];
        if (arg.IsScalar)
        {
            distinct.Add(lookup(arg.Scalar.String ?? string.Empty));
            return codes;
        }

        var column = (StringColumn)arg.Column!;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var probe = seen.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> stack = stackalloc char[StackDecodeChars];
        char[]? rented = null;
        var lastCode = 0;
        for (var i = 0; i < rows; i++)
        {
            var bytes = column.GetSpan(i);
            if (i > 0 && bytes.SequenceEqual(column.GetSpan(i - 1)))
            {
                codes[i] = lastCode;
                continue;
            }

            var buffer = stack;
            if (bytes.Length > stack.Length)
            {
                if (rented is null || rented.Length < bytes.Length)
                {
                    if (rented is not null)
                    {
                        ArrayPool<char>.Shared.Return(rented);
                    }

                    rented = ArrayPool<char>.Shared.Rent(bytes.Length);
                }

                buffer = rented;
            }

            var chars = buffer[..Encoding.UTF8.GetChars(bytes, buffer)];
            if (!probe.TryGetValue(chars, out lastCode))
            {
                var key = chars.ToString();
                lastCode = distinct.Count;
                distinct.Add(lookup(key));
                seen[key] = lastCode;
            }

            codes[i] = lastCode;
        }

        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return codes;
    }

    /// <summary>The per-row values of <paramref name="codes"/> into <paramref name="distinct"/>.</summary>
    public static T[] Decode<T>(int[] codes, List<T> distinct, int rows)
    {
        var result = new T[rows];
        for (var i = 0; i < rows; i++)
        {
            result[i] = distinct[codes[i]];
        }

        return result;
    }

    /// <summary>
    /// One string column: row i is the UTF-8 value <paramref name="distinct"/>[codes[i]]. Metadata answers repeat
    /// (every row of a pod has its name), so when there are few the column is dictionary-encoded: 4 bytes per row,
    /// and a groupby on it works on the codes. Equal answers of different keys get one code first, since a
    /// dictionary's values must be distinct.
    /// </summary>
    public static StringColumn Strings(int[] codes, List<byte[]> distinct, int rows)
    {
        var values = CollectionsMarshal.AsSpan(distinct);
        if (values.Length <= MaxEncodedValues && values.Length * 2 <= rows)
        {
            return Encoded(codes, values, rows);
        }

        var total = 0L;
        for (var i = 0; i < rows; i++)
        {
            total += values[codes[i]].Length;
        }

        var data = new byte[total];
        var offsets = new int[rows + 1];
        var at = 0;
        for (var i = 0; i < rows; i++)
        {
            var v = values[codes[i]];
            v.CopyTo(data.AsSpan(at));
            at += v.Length;
            offsets[i + 1] = at;
        }

        return new StringColumn(data, offsets, rows);
    }

    private static StringColumn Encoded(int[] codes, ReadOnlySpan<byte[]> values, int rows)
    {
        var remap = new int[values.Length];
        var unique = new StringColumnBuilder(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            remap[i] = -1;
            for (var j = 0; j < i; j++)
            {
                if (values[j].AsSpan().SequenceEqual(values[i]))
                {
                    remap[i] = remap[j];
                    break;
                }
            }

            if (remap[i] < 0)
            {
                remap[i] = unique.Count;
                unique.Append(values[i]);
            }
        }

        for (var i = 0; i < rows; i++)
        {
            codes[i] = remap[codes[i]];
        }

        return new StringColumn(codes, unique.Build(), rows);
    }
}
