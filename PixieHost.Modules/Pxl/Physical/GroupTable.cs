using System.Buffers.Binary;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// Maps composite group keys to dense group ids. Each row's key columns are encoded into one byte string
/// (INT64/TIME64NS 8 bytes, FLOAT64 8, BOOLEAN 1, UINT128 16, STRING 4-byte length + bytes) that is hashed and
/// looked up in an open-addressing table; keys live in one arena, so a lookup allocates nothing.
/// The key values of each new group are appended to typed builders, which become the output key columns.
/// </summary>
public sealed class GroupTable
{
    private readonly DataType[] _types;
    private readonly ColumnBuilder[] _keys;
    private byte[] _arena = new byte[4096];
    private int _arenaUsed;
    private int[] _keyStart = new int[64];
    private int[] _keyLength = new int[64];
    private int[] _hashes = new int[64];
    private int[] _buckets = new int[128];
    private byte[] _scratch = new byte[256];

    public GroupTable(IReadOnlyList<DataType> keyTypes)
    {
        _types = keyTypes.ToArray();
        _keys = _types.Select(t => ColumnBuilder.For(t)).ToArray();
    }

    public int Count { get; private set; }

    /// <summary>Writes the group id of every row of <paramref name="batch"/> to <paramref name="groupIds"/>.</summary>
    public void Assign(RowBatch batch, ReadOnlySpan<int> keyColumns, Span<int> groupIds)
    {
        if (_types.Length == 0)
        {
            groupIds[..batch.RowCount].Clear();
            Count = Math.Max(Count, 1);
            return;
        }

        for (var row = 0; row < batch.RowCount; row++)
        {
            var len = Encode(batch, keyColumns, row);
            groupIds[row] = FindOrAdd(_scratch.AsSpan(0, len), batch, keyColumns, row);
        }
    }

    /// <summary>With no key columns: makes sure the single group exists even when no row arrived.</summary>
    public void EnsureSingleGroup() => Count = _types.Length == 0 ? Math.Max(Count, 1) : Count;

    /// <summary>The key columns, one value per group in group-id order.</summary>
    public Column[] BuildKeys() => _keys.Select(k => k.Build()).ToArray();

    private int Encode(RowBatch batch, ReadOnlySpan<int> keyColumns, int row)
    {
        var at = 0;
        for (var k = 0; k < keyColumns.Length; k++)
        {
            var col = batch[keyColumns[k]];
            var need = col is StringColumn sc ? 4 + (sc.Offsets[row + 1] - sc.Offsets[row]) : 16;
            if (at + need > _scratch.Length)
            {
                Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, at + need));
            }

            var dst = _scratch.AsSpan(at);
            switch (col)
            {
                case Int64Column l:
                    BinaryPrimitives.WriteInt64LittleEndian(dst, l.Values[row]);
                    at += 8;
                    break;
                case Float64Column d:
                    BinaryPrimitives.WriteDoubleLittleEndian(dst, d.Values[row]);
                    at += 8;
                    break;
                case BooleanColumn b:
                    dst[0] = b.Values[row] ? (byte)1 : (byte)0;
                    at += 1;
                    break;
                case UInt128Column u:
                    BinaryPrimitives.WriteUInt64LittleEndian(dst, (ulong)(u.Values[row] >> 64));
                    BinaryPrimitives.WriteUInt64LittleEndian(dst[8..], (ulong)u.Values[row]);
                    at += 16;
                    break;
                case StringColumn s:
                    var span = s.GetSpan(row);
                    BinaryPrimitives.WriteInt32LittleEndian(dst, span.Length);
                    span.CopyTo(dst[4..]);
                    at += 4 + span.Length;
                    break;
            }
        }

        return at;
    }

    private int FindOrAdd(ReadOnlySpan<byte> key, RowBatch batch, ReadOnlySpan<int> keyColumns, int row)
    {
        var hc = new HashCode();
        hc.AddBytes(key);
        var hash = hc.ToHashCode();
        var mask = _buckets.Length - 1;
        var slot = hash & mask;
        while (true)
        {
            var g = _buckets[slot] - 1;
            if (g < 0)
            {
                break;
            }

            if (_hashes[g] == hash && _arena.AsSpan(_keyStart[g], _keyLength[g]).SequenceEqual(key))
            {
                return g;
            }

            slot = (slot + 1) & mask;
        }

        var id = Add(key, hash);
        _buckets[slot] = id + 1;
        AppendKeyValues(batch, keyColumns, row);
        if (Count * 2 > _buckets.Length)
        {
            Rehash();
        }

        return id;
    }

    private int Add(ReadOnlySpan<byte> key, int hash)
    {
        if (Count == _keyStart.Length)
        {
            Array.Resize(ref _keyStart, Count * 2);
            Array.Resize(ref _keyLength, Count * 2);
            Array.Resize(ref _hashes, Count * 2);
        }

        if (_arenaUsed + key.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + key.Length));
        }

        key.CopyTo(_arena.AsSpan(_arenaUsed));
        _keyStart[Count] = _arenaUsed;
        _keyLength[Count] = key.Length;
        _hashes[Count] = hash;
        _arenaUsed += key.Length;
        return Count++;
    }

    private void Rehash()
    {
        _buckets = new int[_buckets.Length * 2];
        var mask = _buckets.Length - 1;
        for (var g = 0; g < Count; g++)
        {
            var slot = _hashes[g] & mask;
            while (_buckets[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _buckets[slot] = g + 1;
        }
    }

    private void AppendKeyValues(RowBatch batch, ReadOnlySpan<int> keyColumns, int row)
    {
        for (var k = 0; k < keyColumns.Length; k++)
        {
            switch (batch[keyColumns[k]])
            {
                case Int64Column l: ((Int64ColumnBuilder)_keys[k]).Append(l.Values[row]); break;
                case Float64Column d: ((Float64ColumnBuilder)_keys[k]).Append(d.Values[row]); break;
                case BooleanColumn b: ((BooleanColumnBuilder)_keys[k]).Append(b.Values[row]); break;
                case UInt128Column u: ((UInt128ColumnBuilder)_keys[k]).Append(u.Values[row]); break;
                case StringColumn s: ((StringColumnBuilder)_keys[k]).Append(s.GetSpan(row)); break;
            }
        }
    }
}
