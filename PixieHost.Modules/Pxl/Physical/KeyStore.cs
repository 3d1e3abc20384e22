using System.Buffers.Binary;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>The key values of one group-by column, one per group, typed; hashes and compares batch values against them.</summary>
internal abstract class KeyStore
{
    public static KeyStore For(DataType type) => type switch
    {
        DataType.Int64 or DataType.Time64NS => new Int64Keys(type),
        DataType.Float64 => new Float64Keys(),
        DataType.Boolean => new BooleanKeys(),
        DataType.UInt128 => new UInt128Keys(),
        DataType.String => new StringKeys(),
        _ => throw new NotSupportedException($"Cannot group by {type}."),
    };

    /// <summary>Folds every row's value of <paramref name="column"/> into <paramref name="hashes"/>.</summary>
    public static void Hash(Column column, Span<ulong> hashes)
    {
        switch (column)
        {
            case Int64Column l:
                for (var i = 0; i < hashes.Length; i++)
                {
                    hashes[i] = GroupTable.Mix(hashes[i], (ulong)l.Values[i]);
                }

                break;
            case Float64Column d:
                for (var i = 0; i < hashes.Length; i++)
                {
                    hashes[i] = GroupTable.Mix(hashes[i], BitConverter.DoubleToUInt64Bits(d.Values[i]));
                }

                break;
            case BooleanColumn b:
                for (var i = 0; i < hashes.Length; i++)
                {
                    hashes[i] = GroupTable.Mix(hashes[i], b.Values[i] ? 1UL : 0UL);
                }

                break;
            case UInt128Column u:
                for (var i = 0; i < hashes.Length; i++)
                {
                    hashes[i] = GroupTable.Mix(GroupTable.Mix(hashes[i], (ulong)(u.Values[i] >> 64)), (ulong)u.Values[i]);
                }

                break;
            case StringColumn s:
                for (var i = 0; i < hashes.Length; i++)
                {
                    hashes[i] = GroupTable.Mix(hashes[i], HashBytes(s.GetSpan(i)));
                }

                break;
        }
    }

    /// <summary>8 bytes at a time, then the tail; the length is mixed in so "a" and "a\0" differ.</summary>
    private static ulong HashBytes(ReadOnlySpan<byte> bytes)
    {
        var h = (ulong)bytes.Length;
        while (bytes.Length >= 8)
        {
            h = GroupTable.Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            tail |= (ulong)bytes[i] << (8 * i);
        }

        return GroupTable.Mix(h, tail);
    }

    /// <summary>Binds the batch column the next <see cref="Equals(int, int)"/> calls compare against (one cast per batch, not per row).</summary>
    public abstract void Bind(Column column);

    /// <summary>Whether group <paramref name="group"/>'s key equals row <paramref name="row"/> of the bound column.</summary>
    public abstract bool Equals(int group, int row);

    public abstract void Append(Column column, int row);

    public abstract Column Build();

    private sealed class Int64Keys(DataType type) : KeyStore
    {
        private readonly Int64ColumnBuilder _b = new(64, type);
        private long[] _v = new long[64];
        private long[] _bound = [];

        public override void Bind(Column column) => _bound = ((Int64Column)column).Values;

        public override bool Equals(int group, int row) => _v[group] == _bound[row];

        public override void Append(Column column, int row)
        {
            var v = ((Int64Column)column).Values[row];
            if (_b.Count == _v.Length)
            {
                Array.Resize(ref _v, _v.Length * 2);
            }

            _v[_b.Count] = v;
            _b.Append(v);
        }

        public override Column Build() => _b.Build();
    }

    private sealed class Float64Keys : KeyStore
    {
        private readonly Float64ColumnBuilder _b = new();
        private readonly List<double> _v = [];
        private double[] _bound = [];

        public override void Bind(Column column) => _bound = ((Float64Column)column).Values;

        public override bool Equals(int group, int row) =>
            BitConverter.DoubleToUInt64Bits(_v[group]) == BitConverter.DoubleToUInt64Bits(_bound[row]);

        public override void Append(Column column, int row)
        {
            _v.Add(((Float64Column)column).Values[row]);
            _b.Append(_v[^1]);
        }

        public override Column Build() => _b.Build();
    }

    private sealed class BooleanKeys : KeyStore
    {
        private readonly BooleanColumnBuilder _b = new();
        private readonly List<bool> _v = [];
        private bool[] _bound = [];

        public override void Bind(Column column) => _bound = ((BooleanColumn)column).Values;

        public override bool Equals(int group, int row) => _v[group] == _bound[row];

        public override void Append(Column column, int row)
        {
            _v.Add(((BooleanColumn)column).Values[row]);
            _b.Append(_v[^1]);
        }

        public override Column Build() => _b.Build();
    }

    private sealed class UInt128Keys : KeyStore
    {
        private readonly UInt128ColumnBuilder _b = new();
        private readonly List<UInt128> _v = [];
        private UInt128[] _bound = [];

        public override void Bind(Column column) => _bound = ((UInt128Column)column).Values;

        public override bool Equals(int group, int row) => _v[group] == _bound[row];

        public override void Append(Column column, int row)
        {
            _v.Add(((UInt128Column)column).Values[row]);
            _b.Append(_v[^1]);
        }

        public override Column Build() => _b.Build();
    }

    private sealed class StringKeys : KeyStore
    {
        private readonly StringColumnBuilder _b = new();
        private byte[] _data = new byte[1024];
        private int[] _offsets = new int[65];
        private int _count;
        private byte[] _boundData = [];
        private int[] _boundOffsets = [0];

        public override void Bind(Column column)
        {
            var s = (StringColumn)column;
            _boundData = s.Data;
            _boundOffsets = s.Offsets;
        }

        public override bool Equals(int group, int row)
        {
            var start = _offsets[group];
            var length = _offsets[group + 1] - start;
            var rowStart = _boundOffsets[row];
            return length == _boundOffsets[row + 1] - rowStart && _data.AsSpan(start, length).SequenceEqual(_boundData.AsSpan(rowStart, length));
        }

        public override void Append(Column column, int row)
        {
            var span = ((StringColumn)column).GetSpan(row);
            var end = _offsets[_count];
            if (end + span.Length > _data.Length)
            {
                Array.Resize(ref _data, Math.Max(_data.Length * 2, end + span.Length));
            }

            if (_count + 2 > _offsets.Length)
            {
                Array.Resize(ref _offsets, _offsets.Length * 2);
            }

            span.CopyTo(_data.AsSpan(end));
            _offsets[++_count] = end + span.Length;
            _b.Append(span);
        }

        public override Column Build() => _b.Build();
    }
}
