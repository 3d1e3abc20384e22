using System.Text;

namespace PixieHost.Modules.TableStore;

/// <summary>Appends values of one column; <see cref="Build"/> hands the buffers to an immutable <see cref="Column"/>.</summary>
public abstract class ColumnBuilder
{
    public abstract int Count { get; }

    public abstract Column Build();

    /// <summary>Appends a boxed value (cold paths: tests, UDTFs). Hot paths use the typed Append.</summary>
    public abstract void AppendObject(object? value);

    public static ColumnBuilder For(DataType type, int capacity = 64) => type switch
    {
        DataType.Boolean => new BooleanColumnBuilder(capacity),
        DataType.Int64 or DataType.Time64NS => new Int64ColumnBuilder(capacity, type),
        DataType.Float64 => new Float64ColumnBuilder(capacity),
        DataType.UInt128 => new UInt128ColumnBuilder(capacity),
        DataType.String => new StringColumnBuilder(capacity),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No column builder for this type."),
    };
}

public sealed class BooleanColumnBuilder(int capacity = 64) : ColumnBuilder
{
    private bool[] _values = new bool[Math.Max(capacity, 4)];
    private int _count;

    public override int Count => _count;

    public void Append(bool v)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = v;
    }

    public override void AppendObject(object? value) => Append(Convert.ToBoolean(value));

    public override Column Build() => new BooleanColumn(_values, _count);
}

public sealed class Int64ColumnBuilder(int capacity = 64, DataType type = DataType.Int64) : ColumnBuilder
{
    private long[] _values = new long[Math.Max(capacity, 4)];
    private int _count;

    public override int Count => _count;

    public void Append(long v)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = v;
    }

    public override void AppendObject(object? value) => Append(Convert.ToInt64(value));

    public override Column Build() => new Int64Column(_values, _count, type);
}

public sealed class Float64ColumnBuilder(int capacity = 64) : ColumnBuilder
{
    private double[] _values = new double[Math.Max(capacity, 4)];
    private int _count;

    public override int Count => _count;

    public void Append(double v)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = v;
    }

    public override void AppendObject(object? value) => Append(Convert.ToDouble(value));

    public override Column Build() => new Float64Column(_values, _count);
}

public sealed class UInt128ColumnBuilder(int capacity = 64) : ColumnBuilder
{
    private UInt128[] _values = new UInt128[Math.Max(capacity, 4)];
    private int _count;

    public override int Count => _count;

    public void Append(UInt128 v)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = v;
    }

    public override void AppendObject(object? value) => Append(value is UInt128 u ? u : (UInt128)Convert.ToUInt64(value));

    public override Column Build() => new UInt128Column(_values, _count);
}

public sealed class StringColumnBuilder : ColumnBuilder
{
    private byte[] _data;
    private int[] _offsets;
    private int _count;

    public StringColumnBuilder(int capacity = 64)
        : this(capacity, Math.Max(capacity, 4) * 16)
    {
    }

    /// <summary>Room for <paramref name="capacity"/> values and <paramref name="dataBytes"/> bytes of text before growing.</summary>
    public StringColumnBuilder(int capacity, int dataBytes)
    {
        _offsets = new int[Math.Max(capacity, 4) + 1];
        _data = new byte[Math.Max(dataBytes, 16)];
    }

    public override int Count => _count;

    public void Append(ReadOnlySpan<byte> utf8)
    {
        EnsureData(utf8.Length);
        var end = _offsets[_count];
        utf8.CopyTo(_data.AsSpan(end));
        Commit(end + utf8.Length);
    }

    public void Append(string s)
    {
        EnsureData(Encoding.UTF8.GetMaxByteCount(s.Length));
        var end = _offsets[_count];
        var n = Encoding.UTF8.GetBytes(s, _data.AsSpan(end));
        Commit(end + n);
    }

    /// <summary>Reserves <paramref name="maxBytes"/> and returns the span to write the next value into; finish with <see cref="CommitWritten"/>.</summary>
    public Span<byte> BeginAppend(int maxBytes)
    {
        EnsureData(maxBytes);
        return _data.AsSpan(_offsets[_count], maxBytes);
    }

    public void CommitWritten(int written) => Commit(_offsets[_count] + written);

    public override void AppendObject(object? value) => Append(value?.ToString() ?? string.Empty);

    public override StringColumn Build() => new StringColumn(_data, _offsets, _count);

    private void Commit(int newEnd)
    {
        if (_count + 1 == _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }

        _offsets[++_count] = newEnd;
    }

    private void EnsureData(int extra)
    {
        var need = _offsets[_count] + extra;
        if (need > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(need, _data.Length * 2));
        }
    }
}
