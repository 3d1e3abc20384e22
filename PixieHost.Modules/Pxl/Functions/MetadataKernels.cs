using System.Buffers;
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

    /// <summary>A kernel UINT128 → STRING.</summary>
    public static ScalarKernel UpidToString(Func<UInt128, string> lookup) => (args, rows) =>
        Strings(ByUpid(args[0], rows, u => Encoding.UTF8.GetBytes(lookup(u))), rows);

    /// <summary>A kernel STRING → STRING.</summary>
    public static ScalarKernel StringToString(Func<string, string> lookup) => (args, rows) =>
        Strings(ByString(args[0], rows, s => Encoding.UTF8.GetBytes(lookup(s))), rows);

    /// <summary>A kernel STRING → INT64 or TIME64NS.</summary>
    public static ScalarKernel StringToInt64(Func<string, long> lookup, DataType type) => (args, rows) =>
        new Int64Column(ByString(args[0], rows, lookup), rows, type);

    /// <summary>A kernel STRING → BOOLEAN.</summary>
    public static ScalarKernel StringToBool(Func<string, bool> lookup) => (args, rows) =>
        new BooleanColumn(ByString(args[0], rows, lookup), rows);

    /// <summary>A kernel without arguments that answers one string for every row (vizier_name, get_cidrs).</summary>
    public static ScalarKernel Constant(Func<string> value) => (_, rows) =>
    {
        var bytes = Encoding.UTF8.GetBytes(value());
        var values = new byte[rows][];
        Array.Fill(values, bytes);
        return Strings(values, rows);
    };

    /// <summary><paramref name="lookup"/> of each row's UPID, computed once per distinct UPID of the batch.</summary>
    public static T[] ByUpid<T>(in Datum arg, int rows, Func<UInt128, T> lookup)
    {
        var result = new T[rows];
        if (arg.IsScalar)
        {
            Array.Fill(result, lookup(arg.Scalar.UInt128));
            return result;
        }

        var values = ((UInt128Column)arg.Column!).Values;
        Dictionary<UInt128, T>? seen = null;
        var last = default(UInt128);
        var lastValue = default(T)!;
        for (var i = 0; i < rows; i++)
        {
            var u = values[i];
            if (i == 0 || u != last)
            {
                seen ??= [];
                if (!seen.TryGetValue(u, out lastValue!))
                {
                    lastValue = lookup(u);
                    seen[u] = lastValue;
                }

                last = u;
            }

            result[i] = lastValue;
        }

        return result;
    }

    /// <summary>
    /// <paramref name="lookup"/> of each row's string, computed once per distinct value of the batch. Rows are
    /// decoded into a stack buffer to probe the cache, so only distinct values become strings.
    /// </summary>
    public static T[] ByString<T>(in Datum arg, int rows, Func<string, T> lookup)
    {
        var result = new T[rows];
        if (arg.IsScalar)
        {
            Array.Fill(result, lookup(arg.Scalar.String ?? string.Empty));
            return result;
        }

        var column = (StringColumn)arg.Column!;
        var seen = new Dictionary<string, T>(StringComparer.Ordinal);
        var probe = seen.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> stack = stackalloc char[StackDecodeChars];
        char[]? rented = null;
        var lastValue = default(T)!;
        for (var i = 0; i < rows; i++)
        {
            var bytes = column.GetSpan(i);
            if (i > 0 && bytes.SequenceEqual(column.GetSpan(i - 1)))
            {
                result[i] = lastValue;
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
            if (!probe.TryGetValue(chars, out lastValue!))
            {
                var key = chars.ToString();
                lastValue = lookup(key);
                seen[key] = lastValue;
            }

            result[i] = lastValue;
        }

        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>One string column from per-row references to shared UTF-8 values.</summary>
    public static StringColumn Strings(byte[][] values, int rows)
    {
        var bytes = 0L;
        for (var i = 0; i < rows; i++)
        {
            bytes += values[i].Length;
        }

        var b = new StringColumnBuilder(rows, (int)Math.Min(bytes, int.MaxValue));
        for (var i = 0; i < rows; i++)
        {
            b.Append(values[i]);
        }

        return b.Build();
    }
}
