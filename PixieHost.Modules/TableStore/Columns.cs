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

/// <summary>
/// Strings as one UTF-8 byte array and <c>Length + 1</c> offsets; row i is Data[Offsets[i]..Offsets[i+1]].
/// A column may instead be dictionary-encoded (codes into a column of distinct values, e.g. a filter's gather of an
/// encoded column); <see cref="Data"/> and <see cref="Offsets"/> are then materialized on first use, so every kernel
/// may keep reading them. <see cref="Dictionary"/> is the fast path: built once per column on first use and cached
/// (stored batches are immutable, so the first query's work serves later ones).
/// </summary>
public sealed class StringColumn : Column
{
    private readonly int[]? _codes;
    private readonly StringColumn? _values;
    private byte[]? _data;
    private int[]? _offsets;
    private StringDictionary? _dictionary;
    private bool _dictionaryTried;

    public StringColumn(byte[] data, int[] offsets, int length)
    {
        _offsets = offsets;
        _data = data;
        Length = length;
    }

    /// <summary>A dictionary-encoded column: row i is <paramref name="values"/>[codes[i]].</summary>
    public StringColumn(int[] codes, StringColumn values, int length)
    {
        _codes = codes;
        _values = values.IsEncoded ? values.Materialized() : values;
        Length = length;
        _dictionary = new StringDictionary(codes, _values);
        _dictionaryTried = true;
    }

    public byte[] Data => Volatile.Read(ref _data) ?? Materialize().Data;

    public int[] Offsets => Volatile.Read(ref _data) is null ? Materialize().Offsets : _offsets!;

    /// <summary>True when the rows are held as codes (<see cref="Data"/> is built on first use).</summary>
    public bool IsEncoded => _codes is not null;

    public override DataType Type => DataType.String;

    public override int Length { get; }

    public override long ByteSize => _codes is not null ? (4L * _codes.Length) + _values!.ByteSize : _data!.Length + (4L * _offsets!.Length);

    /// <summary>
    /// The distinct values and every row's code, or null when the column has too many distinct values for
    /// encoding to pay (more than half its rows, or 65,536). Built on the first call, one hash per row.
    /// </summary>
    public StringDictionary? Dictionary
    {
        get
        {
            if (!Volatile.Read(ref _dictionaryTried))
            {
                _dictionary = StringDictionary.TryBuild(this);
                Volatile.Write(ref _dictionaryTried, true);
            }

            return _dictionary;
        }
    }

    /// <summary>The dictionary if it exists already; never builds one.</summary>
    public StringDictionary? CachedDictionary => Volatile.Read(ref _dictionaryTried) ? _dictionary : null;

    public ReadOnlySpan<byte> GetSpan(int row)
    {
        var data = Volatile.Read(ref _data);
        if (data is null)
        {
            return _values!.GetSpan(_codes![row]);
        }

        var offsets = _offsets!;
        return data.AsSpan(offsets[row], offsets[row + 1] - offsets[row]);
    }

    public string GetString(int row) => Encoding.UTF8.GetString(GetSpan(row));

    public override object? GetValue(int row) => GetString(row);

    public override Column Slice(int start, int count)
    {
        if (_codes is not null)
        {
            return new StringColumn(_codes.AsSpan(start, count).ToArray(), _values!, count);
        }

        var from = _offsets![start];
        var to = _offsets[start + count];
        var offsets = new int[count + 1];
        for (var i = 0; i <= count; i++)
        {
            offsets[i] = _offsets[start + i] - from;
        }

        return new StringColumn(_data!.AsSpan(from, to - from).ToArray(), offsets, count);
    }

    public override Column Trim() =>
        _codes is not null || (!Wasteful(_data!.Length, _offsets![Length]) && !Wasteful(_offsets.Length, Length + 1))
            ? this
            : new StringColumn(_data[.._offsets[Length]], _offsets[..(Length + 1)], Length);

    public static StringColumn FromStrings(IReadOnlyList<string> values)
    {
        var b = new StringColumnBuilder(values.Count);
        foreach (var v in values)
        {
            b.Append(v);
        }

        return b.Build();
    }

    private StringColumn Materialized() => _codes is null ? this : new StringColumn(Data, Offsets, Length);

    /// <summary>Decodes an encoded column into bytes and offsets once; racing callers build equal arrays.</summary>
    private (byte[] Data, int[] Offsets) Materialize()
    {
        if (Volatile.Read(ref _data) is { } done)
        {
            return (done, _offsets!);
        }

        var values = _values!;
        var codes = _codes!;
        long total = 0;
        for (var i = 0; i < Length; i++)
        {
            var c = codes[i];
            total += values._offsets![c + 1] - values._offsets[c];
        }

        var data = new byte[total];
        var offsets = new int[Length + 1];
        var at = 0;
        for (var i = 0; i < Length; i++)
        {
            var span = values.GetSpan(codes[i]);
            span.CopyTo(data.AsSpan(at));
            at += span.Length;
            offsets[i + 1] = at;
        }

        _offsets = offsets;
        Volatile.Write(ref _data, data);
        return (data, offsets);
    }
}
