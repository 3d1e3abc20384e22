namespace PixieHost.Modules.TableStore;

/// <summary>
/// One table: immutable column batches in append order, a per-batch time range for seeks, and a byte budget.
/// Appends that push the table past its budget evict the oldest batches first, so the table never holds more
/// than <see cref="BudgetBytes"/> after an append returns.
/// </summary>
public sealed class Table
{
    private readonly object _gate = new();
    private readonly List<StoredBatch> _batches = [];
    private StoredBatch[] _snapshot = [];
    private long _bytes;
    private long _rows;

    public Table(TableSchema schema, long budgetBytes)
    {
        Schema = schema;
        BudgetBytes = budgetBytes;
    }

    public TableSchema Schema { get; }

    public string Name => Schema.Name;

    /// <summary>Byte budget; changing it evicts at once if the table is over the new value.</summary>
    public long BudgetBytes { get; private set; }

    public long Bytes => Interlocked.Read(ref _bytes);

    public long RowCount => Interlocked.Read(ref _rows);

    public long RowsEvicted { get; private set; }

    public long BatchesEvicted { get; private set; }

    public int BatchCount => Volatile.Read(ref _snapshot).Length;

    public void SetBudget(long bytes)
    {
        lock (_gate)
        {
            BudgetBytes = bytes;
            EvictLocked();
        }
    }

    /// <summary>Appends a batch; the batch must follow this table's schema.</summary>
    public void Append(RowBatch batch)
    {
        if (!ReferenceEquals(batch.Schema, Schema) && batch.Schema.Count != Schema.Count)
        {
            throw new ArgumentException($"Batch relation '{batch.Schema.Name}' does not match table '{Name}'.", nameof(batch));
        }

        if (batch.RowCount == 0)
        {
            return;
        }

        var cols = new Column[batch.Columns.Count];
        for (var i = 0; i < cols.Length; i++)
        {
            cols[i] = batch.Columns[i].Trim();
        }

        var stored = new RowBatch(Schema, cols, batch.RowCount);
        var size = stored.ByteSize;
        if (size > BudgetBytes)
        {
            // A single batch bigger than the whole budget: keep its newest rows that fit. Row sizes vary
            // (strings), so shrink the estimate until the slice really fits.
            var all = stored.RowCount;
            var keep = all;
            while (size > BudgetBytes && keep > 0)
            {
                keep = (int)(keep * (double)BudgetBytes / size * 0.95);
                stored = stored.Slice(stored.RowCount - keep, keep);
                size = stored.ByteSize;
            }

            lock (_gate)
            {
                RowsEvicted += all - keep;
            }

            if (keep == 0)
            {
                return;
            }
        }

        var (min, max) = TimeRange(stored);
        lock (_gate)
        {
            _batches.Add(new StoredBatch(stored, min, max, size));
            _bytes += size;
            _rows += stored.RowCount;
            EvictLocked();
            Volatile.Write(ref _snapshot, _batches.ToArray());
        }
    }

    /// <summary>The batches now held, oldest first. The array is a snapshot: later appends do not change it.</summary>
    public IReadOnlyList<StoredBatch> Snapshot() => Volatile.Read(ref _snapshot);

    /// <summary>
    /// Rows whose <c>time_</c> lies in [<paramref name="startNs"/>, <paramref name="endNs"/>]; batches outside
    /// the range are skipped by their recorded min/max, partly covered batches are filtered row by row.
    /// </summary>
    public IEnumerable<RowBatch> Scan(long startNs = long.MinValue, long endNs = long.MaxValue)
    {
        var ti = Schema.TimeColumnIndex;
        foreach (var b in Snapshot())
        {
            if (ti < 0 || (b.MinTime >= startNs && b.MaxTime <= endNs))
            {
                yield return b.Batch;
            }
            else if (b.MaxTime >= startNs && b.MinTime <= endNs)
            {
                var filtered = FilterByTime(b.Batch, ti, startNs, endNs);
                if (filtered.RowCount > 0)
                {
                    yield return filtered;
                }
            }
        }
    }

    private void EvictLocked()
    {
        var drop = 0;
        while (_bytes > BudgetBytes && drop < _batches.Count)
        {
            var b = _batches[drop++];
            _bytes -= b.Bytes;
            _rows -= b.Batch.RowCount;
            RowsEvicted += b.Batch.RowCount;
            BatchesEvicted++;
        }

        if (drop > 0)
        {
            _batches.RemoveRange(0, drop);
            Volatile.Write(ref _snapshot, _batches.ToArray());
        }
    }

    private (long Min, long Max) TimeRange(RowBatch batch)
    {
        var ti = Schema.TimeColumnIndex;
        if (ti < 0 || batch[ti] is not Int64Column times)
        {
            return (long.MinValue, long.MaxValue);
        }

        long min = long.MaxValue, max = long.MinValue;
        var v = times.Values.AsSpan(0, times.Length);
        foreach (var t in v)
        {
            min = Math.Min(min, t);
            max = Math.Max(max, t);
        }

        return (min, max);
    }

    private static RowBatch FilterByTime(RowBatch batch, int ti, long start, long end)
    {
        var times = ((Int64Column)batch[ti]).Values;
        var keep = new List<int>();
        for (var i = 0; i < batch.RowCount; i++)
        {
            if (times[i] >= start && times[i] <= end)
            {
                keep.Add(i);
            }
        }

        return ColumnGather.Gather(batch, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keep));
    }
}

/// <summary>A batch as stored: the rows, their time range and the bytes they are charged.</summary>
public sealed record StoredBatch(RowBatch Batch, long MinTime, long MaxTime, long Bytes);
