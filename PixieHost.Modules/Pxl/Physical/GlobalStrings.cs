using System.Runtime.CompilerServices;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>A query's dictionary of one key column: distinct UTF-8 strings to dense ids, across all batches.</summary>
internal sealed class GlobalStrings
{
    private byte[] _data = new byte[1024];
    private int[] _offsets = new int[65];
    private ulong[] _hashes = new ulong[64];
    private int[] _buckets = new int[128];

    public int Count { get; private set; }

    public ReadOnlySpan<byte> Get(int id) => _data.AsSpan(_offsets[id], _offsets[id + 1] - _offsets[id]);

    public int GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        var hash = StringDictionary.Hash(utf8);
        var mask = _buckets.Length - 1;
        var slot = (int)(hash >> 32) & mask;
        while (true)
        {
            var id = _buckets[slot] - 1;
            if (id < 0)
            {
                break;
            }

            if (_hashes[id] == hash && Get(id).SequenceEqual(utf8))
            {
                return id;
            }

            slot = (slot + 1) & mask;
        }

        var added = Count++;
        if (added + 1 >= _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
            Array.Resize(ref _hashes, _offsets.Length);
        }

        var end = _offsets[added];
        if (end + utf8.Length > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, end + utf8.Length));
        }

        utf8.CopyTo(_data.AsSpan(end));
        _offsets[added + 1] = end + utf8.Length;
        _hashes[added] = hash;
        _buckets[slot] = added + 1;
        if (Count * 2 > _buckets.Length)
        {
            _buckets = new int[_buckets.Length * 2];
            mask = _buckets.Length - 1;
            for (var i = 0; i < Count; i++)
            {
                var s = (int)(_hashes[i] >> 32) & mask;
                while (_buckets[s] != 0)
                {
                    s = (s + 1) & mask;
                }

                _buckets[s] = i + 1;
            }
        }

        return added;
    }
}

/// <summary>Open addressing from a 64-bit key to a non-negative int; no removal.</summary>
internal sealed class PairMap
{
    private ulong[] _keys = new ulong[256];
    private int[] _values = new int[256];
    private int _count;

    public int Find(ulong key)
    {
        var mask = _keys.Length - 1;
        for (var slot = Slot(key, mask); ; slot = (slot + 1) & mask)
        {
            var v = _values[slot] - 1;
            if (v < 0 || _keys[slot] == key)
            {
                return v;
            }
        }
    }

    public void Add(ulong key, int value)
    {
        if ((_count + 1) * 2 > _keys.Length)
        {
            var keys = _keys;
            var values = _values;
            _keys = new ulong[keys.Length * 2];
            _values = new int[keys.Length * 2];
            _count = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                if (values[i] != 0)
                {
                    Add(keys[i], values[i] - 1);
                }
            }
        }

        var mask = _keys.Length - 1;
        var slot = Slot(key, mask);
        while (_values[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _keys[slot] = key;
        _values[slot] = value + 1;
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(ulong key, int mask) => (int)((key * 0x9E3779B97F4A7C15) >> 32) & mask;
}
