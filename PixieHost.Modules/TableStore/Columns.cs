using System.Text;

namespace PixieHost.Modules.TableStore;

/// <summary>
/// An immutable column of a <see cref="RowBatch"/>: one typed array, or UTF-8 bytes plus offsets for strings.
/// Arrays may be longer than <see cref="Length"/> (builders hand over their buffers without a copy).
/// </summary>
public abstract class Column
{
    public abstract DataType Type { get; }

    public abstract int Length { get; }

    /// <summary>Bytes of payload this column holds (what the table budget counts).</summary>
    public abstract long ByteSize { get; }

    /// <summary>A boxed value for cold paths (output formatting, tests). Never use on hot paths.</summary>
    public abstract object? GetValue(int row);

    /// <summary>A copy of rows [start, start+count).</summary>
    public abstract Column Slice(int start, int count);

    /// <summary>
    /// This column with its arrays cut to <see cref="Length"/> when builders left more than a quarter spare.
    /// Below that the copy costs more than the memory it frees (the tracer's 8192-row batches leave ~10 % spare
    /// in string data; copying it again cost ~290 B of memmove per http_events row).
    /// </summary>
    public abstract Column Trim();

    /// <summary>True when <paramref name="capacity"/> exceeds <paramref name="used"/> by more than a quarter.</summary>
    protected static bool Wasteful(long capacity, long used) => capacity - used > capacity / 4;
}

public sealed class BooleanColumn(bool[] values, int length) : Column
{
    public bool[] Values { get; } = values;

    public override DataType Type => DataType.Boolean;

    public override int Length { get; } = length;

    public override long ByteSize => Values.Length;

    public override object? GetValue(int row) => Values[row];

    public override Column Slice(int start, int count) => new BooleanColumn(Values.AsSpan(start, count).ToArray(), count);

    public override Column Trim() => !Wasteful(Values.Length, Length) ? this : new BooleanColumn(Values[..Length], Length);
}

/// <summary>INT64 or TIME64NS values.</summary>
public sealed class Int64Column(long[] values, int length, DataType type = DataType.Int64) : Column
{
    public long[] Values { get; } = values;

    public override DataType Type { get; } = type;

    public override int Length { get; } = length;

    public override long ByteSize => 8L * Values.Length;

    public override object? GetValue(int row) => Values[row];

    public override Column Slice(int start, int count) => new Int64Column(Values.AsSpan(start, count).ToArray(), count, Type);

    public override Column Trim() => !Wasteful(Values.Length, Length) ? this : new Int64Column(Values[..Length], Length, Type);
}

public sealed class Float64Column(double[] values, int length) : Column
{
    public double[] Values { get; } = values;

    public override DataType Type => DataType.Float64;

    public override int Length { get; } = length;

    public override long ByteSize => 8L * Values.Length;

    public override object? GetValue(int row) => Values[row];

    public override Column Slice(int start, int count) => new Float64Column(Values.AsSpan(start, count).ToArray(), count);

    public override Column Trim() => !Wasteful(Values.Length, Length) ? this : new Float64Column(Values[..Length], Length);
}

public sealed class UInt128Column(UInt128[] values, int length) : Column
{
    public UInt128[] Values { get; } = values;

    public override DataType Type => DataType.UInt128;

    public override int Length { get; } = length;

    public override long ByteSize => 16L * Values.Length;

    public override object? GetValue(int row) => Values[row];

    public override Column Slice(int start, int count) => new UInt128Column(Values.AsSpan(start, count).ToArray(), count);

    public override Column Trim() => !Wasteful(Values.Length, Length) ? this : new UInt128Column(Values[..Length], Length);
}

/// <summary>Strings as one UTF-8 byte array and <c>Length + 1</c> offsets; row i is Data[Offsets[i]..Offsets[i+1]].</summary>
public sealed class StringColumn : Column
{
    public StringColumn(byte[] data, int[] offsets, int length)
    {
        Data = data;
        Offsets = offsets;
        Length = length;
    }

    public byte[] Data { get; }

    public int[] Offsets { get; }

    public override DataType Type => DataType.String;

    public override int Length { get; }

    public override long ByteSize => Data.Length + 4L * Offsets.Length;

    public ReadOnlySpan<byte> GetSpan(int row) => Data.AsSpan(Offsets[row], Offsets[row + 1] - Offsets[row]);

    public string GetString(int row) => Encoding.UTF8.GetString(GetSpan(row));

    public override object? GetValue(int row) => GetString(row);

    public override Column Slice(int start, int count)
    {
        var from = Offsets[start];
        var to = Offsets[start + count];
        var offsets = new int[count + 1];
        for (var i = 0; i <= count; i++)
        {
            offsets[i] = Offsets[start + i] - from;
        }

        return new StringColumn(Data.AsSpan(from, to - from).ToArray(), offsets, count);
    }

    public override Column Trim() =>
        !Wasteful(Data.Length, Offsets[Length]) && !Wasteful(Offsets.Length, Length + 1)
            ? this
            : new StringColumn(Data[..Offsets[Length]], Offsets[..(Length + 1)], Length);

    public static StringColumn FromStrings(IReadOnlyList<string> values)
    {
        var b = new StringColumnBuilder(values.Count);
        foreach (var v in values)
        {
            b.Append(v);
        }

        return b.Build();
    }
}
