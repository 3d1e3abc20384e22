using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// Group ids for one or two string keys from the columns' dictionary codes. Each batch's dictionary values are mapped
/// once to per-query global ids (<see cref="GlobalStrings"/>); then a per-batch table indexed by the local code (or
/// the pair of codes) caches the group, so most rows cost one array read. Columns without a dictionary (too many
/// distinct values) map each row through the global strings instead.
/// </summary>
internal sealed class StringGroupTable : IGroupIds
{
    private readonly GlobalStrings[] _strings;
    private readonly int[][] _rowGlobal;
    private readonly int[][] _localToGlobal;
    private readonly int[][] _mapBuffers;
    private readonly int[][] _localCodes = new int[2][];
    private readonly int[] _localCount = new int[2];
    private int[] _groupOfGlobal = [];
    private readonly PairMap _pairs = new();
    private int[] _cache = [];
    private int[] _identity = [];
    private readonly int[][] _groupKeys;

    public StringGroupTable(int keys)
    {
        _strings = new GlobalStrings[keys];
        _rowGlobal = new int[keys][];
        _localToGlobal = new int[keys][];
        _mapBuffers = new int[keys][];
        _groupKeys = new int[keys][];
        for (var k = 0; k < keys; k++)
        {
            _strings[k] = new GlobalStrings();
            _rowGlobal[k] = [];
            _localToGlobal[k] = [];
            _mapBuffers[k] = [];
            _groupKeys[k] = new int[64];
        }
    }

    public int Count { get; private set; }

    public static bool Supports(IReadOnlyList<DataType> keys) => keys.Count is 1 or 2 && keys.All(k => k == DataType.String);

    public void EnsureSingleGroup()
    {
    }

    public void Assign(RowBatch batch, ReadOnlySpan<int> keyColumns, int[]? rows, int n, Span<int> groupIds)
    {
        for (var k = 0; k < _strings.Length; k++)
        {
            Localize(k, (StringColumn)batch[keyColumns[k]], rows, n);
        }

        if (_strings.Length == 1)
        {
            AssignOne(rows, n, groupIds);
        }
        else
        {
            AssignTwo(rows, n, groupIds);
        }
    }

    /// <summary>Binds key <paramref name="k"/>'s local codes and their global ids for this batch.</summary>
    private void Localize(int k, StringColumn column, int[]? rows, int n)
    {
        var strings = _strings[k];
        if (column.Dictionary is { } dict)
        {
            var values = dict.Values;
            var map = Reserve(ref _mapBuffers[k], values.Length);
            for (var c = 0; c < values.Length; c++)
            {
                map[c] = strings.GetOrAdd(values.GetSpan(c));
            }

            _localToGlobal[k] = map;

            _localCodes[k] = dict.Codes;
            _localCount[k] = values.Length;
            return;
        }

        var ids = Reserve(ref _rowGlobal[k], column.Length);
        for (var i = 0; i < n; i++)
        {
            var row = rows is null ? i : rows[i];
            ids[row] = strings.GetOrAdd(column.GetSpan(row));
        }

        if (_identity.Length < strings.Count)
        {
            _identity = new int[Math.Max(strings.Count, _identity.Length * 2)];
            for (var i = 0; i < _identity.Length; i++)
            {
                _identity[i] = i;
            }
        }

        _localToGlobal[k] = _identity;
        _localCodes[k] = ids;
        _localCount[k] = strings.Count;
    }

    private void AssignOne(int[]? rows, int n, Span<int> groupIds)
    {
        var codes = _localCodes[0];
        var toGlobal = _localToGlobal[0];
        var cache = Reserve(ref _cache, _localCount[0]);
        cache.AsSpan(0, _localCount[0]).Fill(-1);
        for (var i = 0; i < n; i++)
        {
            var c = codes[rows is null ? i : rows[i]];
            var g = cache[c];
            if (g < 0)
            {
                var global = toGlobal[c];
                if (_groupOfGlobal.Length <= global)
                {
                    var old = _groupOfGlobal.Length;
                    Array.Resize(ref _groupOfGlobal, Math.Max(global + 1, old * 2));
                    _groupOfGlobal.AsSpan(old).Fill(-1);
                }

                g = _groupOfGlobal[global];
                if (g < 0)
                {
                    g = _groupOfGlobal[global] = NewGroup(global, 0);
                }

                cache[c] = g;
            }

            groupIds[i] = g;
        }
    }

    private void AssignTwo(int[]? rows, int n, Span<int> groupIds)
    {
        var c0 = _localCodes[0];
        var c1 = _localCodes[1];
        var g0 = _localToGlobal[0];
        var g1 = _localToGlobal[1];
        var width = _localCount[1];
        var cells = (long)_localCount[0] * width;
        if (cells > Math.Max(1 << 16, 4L * n))
        {
            // Too many code pairs for a per-batch table: hash every row's pair of global ids.
            for (var i = 0; i < n; i++)
            {
                var row = rows is null ? i : rows[i];
                groupIds[i] = PairGroup(g0[c0[row]], g1[c1[row]]);
            }

            return;
        }

        var cache = Reserve(ref _cache, (int)cells);
        cache.AsSpan(0, (int)cells).Fill(-1);
        for (var i = 0; i < n; i++)
        {
            var row = rows is null ? i : rows[i];
            var a = c0[row];
            var b = c1[row];
            var cell = (a * width) + b;
            var g = cache[cell];
            if (g < 0)
            {
                g = cache[cell] = PairGroup(g0[a], g1[b]);
            }

            groupIds[i] = g;
        }
    }

    private int PairGroup(int a, int b)
    {
        var key = ((ulong)(uint)a << 32) | (uint)b;
        var g = _pairs.Find(key);
        if (g < 0)
        {
            g = NewGroup(a, b);
            _pairs.Add(key, g);
        }

        return g;
    }

    private int NewGroup(int a, int b)
    {
        var g = Count++;
        if (g == _groupKeys[0].Length)
        {
            for (var k = 0; k < _groupKeys.Length; k++)
            {
                Array.Resize(ref _groupKeys[k], g * 2);
            }
        }

        _groupKeys[0][g] = a;
        if (_groupKeys.Length > 1)
        {
            _groupKeys[1][g] = b;
        }

        return g;
    }

    public Column[] BuildKeys()
    {
        var cols = new Column[_strings.Length];
        for (var k = 0; k < cols.Length; k++)
        {
            var b = new StringColumnBuilder(Count);
            for (var g = 0; g < Count; g++)
            {
                b.Append(_strings[k].Get(_groupKeys[k][g]));
            }

            cols[k] = b.Build();
        }

        return cols;
    }

    private static int[] Reserve(ref int[] buffer, int n)
    {
        if (buffer.Length < n)
        {
            buffer = new int[Math.Max(n, buffer.Length * 2)];
        }

        return buffer;
    }
}
