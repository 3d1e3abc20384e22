using System.Buffers;

namespace PixieHost.Modules.Pem.SocketTracer;

public sealed partial class DataStream
{
    /// <summary>Buffers kept after the stream drains are at most this big; larger ones go back to the pool.</summary>
    private const int KeepBufferBytes = 64 * 1024;

    /// <summary>
    /// Past this many segments, an event that continues the last one is merged into it (its bytes then carry
    /// the earlier timestamp): 1-byte writes into a 1 MiB buffer would otherwise need a million segments.
    /// </summary>
    private const int MaxSegments = 4096;

    /// <summary>
    /// Adds one data event: <paramref name="data"/> are the copied bytes at <paramref name="position"/>;
    /// <paramref name="msgSize"/> − data.Length bytes after them were not copied and become a gap.
    /// </summary>
    public void Add(ulong position, uint msgSize, ReadOnlySpan<byte> data, ulong tsNs)
    {
        if (msgSize < data.Length)
        {
            msgSize = (uint)data.Length;
        }

        if (!_started)
        {
            _started = true;
            _headPos = position;
            FirstPosition = position;
        }

        BytesAdded += data.Length;
        var end = position + msgSize;
        if (end <= _headPos)
        {
            StaleEvents++;
            return;
        }

        if (data.Length > CapacityBytes)
        {
            // One event larger than the whole buffer: keep its tail, the rest counts as dropped.
            BytesDropped += data.Length - CapacityBytes;
            NeedsResync = true;
            position += (ulong)(data.Length - CapacityBytes);
            data = data[^CapacityBytes..];
        }

        if (BufferedBytes + data.Length > CapacityBytes)
        {
            DropOldest(BufferedBytes + data.Length - CapacityBytes);
        }

        if (position < _headPos)
        {
            var skip = _headPos - position;
            data = skip >= (ulong)data.Length ? [] : data[(int)skip..];
            position = _headPos;
        }

        var gapStart = position + (ulong)data.Length;
        if (!data.IsEmpty)
        {
            InsertData(position, data, tsNs);
        }

        if (end > gapStart)
        {
            InsertGap(Math.Max(gapStart, _headPos), (long)(end - Math.Max(gapStart, _headPos)), tsNs);
        }
    }

    /// <summary>Consumes <paramref name="count"/> bytes of <see cref="Contiguous"/>.</summary>
    public void Consume(int count)
    {
        ExtendRun();
        count = Math.Min(count, _runBytes);
        _bufStart += count;
        _headPos += (ulong)count;
        _runBytes -= count;
        while (count > 0)
        {
            ref var s = ref _segs[_segHead];
            if (s.Len <= count)
            {
                count -= (int)s.Len;
                PopHead();
                _runSegs--;
            }
            else
            {
                s.Pos += (ulong)count;
                s.Len -= count;
                count = 0;
            }
        }

        if (_bufStart == _bufEnd)
        {
            _bufStart = _bufEnd = 0;
            if (_buf.Length > KeepBufferBytes)
            {
                ArrayPool<byte>.Shared.Return(_buf);
                _buf = [];
            }
        }
    }

    /// <summary>Steps over up to <paramref name="count"/> bytes of the gap at the head (see <see cref="GapAtHead"/>).</summary>
    public void SkipGap(ulong count)
    {
        var gap = GapAtHead;
        count = Math.Min(count, gap);
        if (count == 0)
        {
            return;
        }

        ref var s = ref _segs[_segHead];
        s.Pos += count;
        s.Len -= (long)count;
        _headPos += count;
        GapBytes += (long)count;
        if (s.Len == 0)
        {
            PopHead();
        }
    }

    /// <summary>
    /// Call once per reader batch. A hole older than <see cref="ReorderWindowBatches"/> batches (or any hole once
    /// closed) becomes a gap. Returns true while a hole still waits, so the owner checks again next batch.
    /// </summary>
    public bool EndBatch()
    {
        ExtendRun();
        var expected = _headPos + (ulong)_runBytes;
        if (_runSegs >= _segCount)
        {
            _holeAge = 0;
            return false;
        }

        ref var next = ref Seg(_runSegs);
        if (next.IsGap || next.Pos <= expected)
        {
            _holeAge = 0;
            return false;
        }

        if (++_holeAge < ReorderWindowBatches && !IsClosed)
        {
            return true;
        }

        _holeAge = 0;
        InsertSegmentAt(_runSegs, new Segment { Pos = expected, Len = (long)(next.Pos - expected), TsNs = next.TsNs, IsGap = true });
        GapCount++;
        return false;
    }

    /// <summary>Zeroes the counters (their values were taken over by the owner).</summary>
    public void ResetCounters()
    {
        BytesDropped = 0;
        GapBytes = 0;
        GapCount = 0;
        StaleEvents = 0;
    }

    private void InsertData(ulong pos, ReadOnlySpan<byte> data, ulong ts)
    {
        var idx = FindInsertIndex(pos, pos + (ulong)data.Length);
        if (idx < 0)
        {
            BytesDropped += data.Length;
            return;
        }

        if (idx == _segCount && _segCount >= MaxSegments && !Seg(idx - 1).IsGap && Seg(idx - 1).End == pos)
        {
            EnsureSpace(data.Length);
            data.CopyTo(_buf.AsSpan(_bufEnd));
            _bufEnd += data.Length;
            Seg(idx - 1).Len += data.Length;
            if (idx - 1 < _runSegs)
            {
                _runBytes += data.Length;
            }

            return;
        }

        // Bytes of the data segments after idx stay after the new bytes in the buffer.
        var after = 0;
        for (var i = idx; i < _segCount; i++)
        {
            ref var s = ref Seg(i);
            after += s.IsGap ? 0 : (int)s.Len;
        }

        EnsureSpace(data.Length);
        var at = _bufEnd - after;
        if (after > 0)
        {
            _buf.AsSpan(at, after).CopyTo(_buf.AsSpan(at + data.Length));
        }

        data.CopyTo(_buf.AsSpan(at));
        _bufEnd += data.Length;
        InsertSegmentAt(idx, new Segment { Pos = pos, Len = data.Length, TsNs = ts });
    }

    private void InsertGap(ulong pos, long len, ulong ts)
    {
        var idx = FindInsertIndex(pos, pos + (ulong)len);
        if (idx >= 0 && len > 0)
        {
            InsertSegmentAt(idx, new Segment { Pos = pos, Len = len, TsNs = ts, IsGap = true });
            GapCount++;
        }
    }

    /// <summary>Where a segment [pos, end) goes in position order; -1 when it overlaps one already held.</summary>
    private int FindInsertIndex(ulong pos, ulong end)
    {
        var i = _segCount;
        while (i > 0 && Seg(i - 1).End > pos)
        {
            i--;
        }

        return i < _segCount && Seg(i).Pos < end ? -1 : i;
    }

    private void DropOldest(int bytes)
    {
        var freed = 0;
        while (freed < bytes && _segCount > 0)
        {
            ref var s = ref _segs[_segHead];
            if (!s.IsGap)
            {
                freed += (int)s.Len;
                _bufStart += (int)s.Len;
                BytesDropped += s.Len;
            }

            _headPos = s.End;
            PopHead();
        }

        if (_segCount > 0)
        {
            _headPos = _segs[_segHead].Pos;
        }

        _runBytes = 0;
        _runSegs = 0;
        NeedsResync = true;
    }

    private void ExtendRun()
    {
        var expected = _headPos + (ulong)_runBytes;
        while (_runSegs < _segCount)
        {
            ref var s = ref Seg(_runSegs);
            if (s.IsGap || s.Pos != expected)
            {
                break;
            }

            _runBytes += (int)s.Len;
            expected += (ulong)s.Len;
            _runSegs++;
        }
    }

    private void EnsureSpace(int extra)
    {
        if (_bufEnd + extra <= _buf.Length)
        {
            return;
        }

        var used = BufferedBytes;
        if (used + extra <= _buf.Length && _bufStart >= _buf.Length / 4)
        {
            _buf.AsSpan(_bufStart, used).CopyTo(_buf);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(used + extra, _buf.Length * 2), 1024));
            _buf.AsSpan(_bufStart, used).CopyTo(bigger);
            if (_buf.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buf);
            }

            _buf = bigger;
        }

        _bufStart = 0;
        _bufEnd = used;
    }

    private ref Segment Seg(int i) => ref _segs[_segHead + i];

    private void InsertSegmentAt(int idx, Segment seg)
    {
        if (_segHead + _segCount == _segs.Length)
        {
            if (_segHead > _segs.Length / 2)
            {
                Array.Copy(_segs, _segHead, _segs, 0, _segCount);
                _segHead = 0;
            }
            else
            {
                Array.Resize(ref _segs, _segs.Length * 2);
            }
        }

        var abs = _segHead + idx;
        if (idx < _segCount)
        {
            Array.Copy(_segs, abs, _segs, abs + 1, _segCount - idx);
        }

        _segs[abs] = seg;
        _segCount++;
    }

    private void PopHead()
    {
        _segHead++;
        _segCount--;
        if (_segCount == 0)
        {
            _segHead = 0;
        }
    }
}
