using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>What <see cref="MysqlPacketReader.TryPeek"/> found at the head of a stream.</summary>
public enum MysqlReadStatus
{
    /// <summary>A packet (or its first bytes, when it is larger than the prefix asked for).</summary>
    Packet,

    /// <summary>More bytes are needed.</summary>
    NeedMore,

    /// <summary>Bytes were lost (a gap, or a resync skipped some): whatever message was in progress is cut.</summary>
    Lost,
}

/// <summary>The header of a packet <see cref="MysqlPacketReader.TryPeek"/> returned.</summary>
public readonly record struct MysqlPacket(int PayloadLength, byte SequenceId, ulong TimestampNs, bool IsContinuation);

/// <summary>
/// Cuts one direction of a connection into MySQL packets. A packet is returned once whole, or once its first
/// <c>prefixBytes</c> are there when it is larger (a 5 MiB row or blob parameter needs only its first bytes): the
/// rest is stepped over as it arrives, across gaps too, so a packet never has to fit the stream buffer.
/// After a gap outside a packet, or a stream met mid-way, it scans for the next plausible packet start.
/// </summary>
public sealed class MysqlPacketReader(bool isRequestSide)
{
    private long _skip;
    private int _peeked;
    private int _peekedPayload;
    private bool _nextIsContinuation;

    /// <summary>Bytes stepped over to find a packet start, or lost in gaps.</summary>
    public long BytesSkipped { get; private set; }

    public long Resyncs { get; private set; }

    /// <summary>
    /// The packet at the head of <paramref name="stream"/>; <paramref name="payload"/> stays valid until
    /// <see cref="Commit"/>, which must follow every <see cref="MysqlReadStatus.Packet"/>.
    /// </summary>
    public MysqlReadStatus TryPeek(DataStream stream, int prefixBytes, out MysqlPacket packet, out ReadOnlySpan<byte> payload)
    {
        packet = default;
        payload = default;
        var lost = false;
        while (true)
        {
            if (_skip > 0 && !SkipRest(stream))
            {
                return lost ? MysqlReadStatus.Lost : MysqlReadStatus.NeedMore;
            }

            var view = stream.Contiguous;
            if (view.IsEmpty)
            {
                var gap = stream.GapAtHead;
                if (gap == 0)
                {
                    return lost ? MysqlReadStatus.Lost : MysqlReadStatus.NeedMore;
                }

                stream.SkipGap(gap);
                BytesSkipped += (long)Math.Min(gap, long.MaxValue);
                stream.NeedsResync = true;
                _nextIsContinuation = false;
                lost = true;
                continue;
            }

            if (stream.NeedsResync)
            {
                lost |= Resync(stream, view);
                if (stream.NeedsResync)
                {
                    return lost ? MysqlReadStatus.Lost : MysqlReadStatus.NeedMore;
                }

                continue;
            }

            if (!MysqlParser.TryReadHeader(view, out var len, out var seq))
            {
                if (stream.ContiguousEndsAtGap || (stream.IsClosed && stream.NothingAfterContiguous))
                {
                    Drop(stream, view.Length);
                    lost = true;
                    continue;
                }

                return lost ? MysqlReadStatus.Lost : MysqlReadStatus.NeedMore;
            }

            var have = view.Length - MysqlParser.HeaderBytes;
            if (have < len && have < prefixBytes)
            {
                if (stream.ContiguousEndsAtGap || (stream.IsClosed && stream.NothingAfterContiguous))
                {
                    // The rest of this packet never arrives: hand out what there is only if the caller can use a prefix.
                    if (have == 0 || len <= prefixBytes)
                    {
                        Drop(stream, view.Length);
                        lost = true;
                        continue;
                    }
                }
                else
                {
                    return lost ? MysqlReadStatus.Lost : MysqlReadStatus.NeedMore;
                }
            }

            _peekedPayload = Math.Min(len, have);
            _peeked = MysqlParser.HeaderBytes + _peekedPayload;
            _skip = len - _peekedPayload;
            packet = new MysqlPacket(len, seq, stream.HeadTimestampNs, _nextIsContinuation);
            _nextIsContinuation = len == MysqlParser.MaxPayload;
            payload = view.Slice(MysqlParser.HeaderBytes, _peekedPayload);
            if (lost)
            {
                // Report the loss first; the packet is returned by the next call.
                _skip = 0;
                _nextIsContinuation = packet.IsContinuation;
                payload = default;
                packet = default;
                return MysqlReadStatus.Lost;
            }

            return MysqlReadStatus.Packet;
        }
    }

    /// <summary>Consumes the packet last returned by <see cref="TryPeek"/> (its unseen rest is skipped as it arrives).</summary>
    public void Commit(DataStream stream)
    {
        stream.Consume(_peeked);
        _peeked = 0;
    }

    /// <summary>Forgets a packet being stepped over (the connection is reset).</summary>
    public void Reset()
    {
        _skip = 0;
        _peeked = 0;
        _nextIsContinuation = false;
    }

    private bool SkipRest(DataStream stream)
    {
        while (_skip > 0)
        {
            var view = stream.Contiguous;
            if (!view.IsEmpty)
            {
                var n = (int)Math.Min(view.Length, _skip);
                stream.Consume(n);
                _skip -= n;
                continue;
            }

            var gap = stream.GapAtHead;
            if (gap == 0)
            {
                return false;
            }

            var g = Math.Min(gap, (ulong)_skip);
            stream.SkipGap(g);
            _skip -= (long)g;
        }

        return true;
    }

    private void Drop(DataStream stream, int count)
    {
        stream.Consume(count);
        BytesSkipped += count;
        stream.NeedsResync = true;
        _nextIsContinuation = false;
    }

    /// <summary>Moves to the first plausible packet start in <paramref name="view"/>; true when bytes were skipped.</summary>
    private bool Resync(DataStream stream, ReadOnlySpan<byte> view)
    {
        // Keep the last 3 bytes unless the stream can't grow: they may be the start of a header.
        var limit = stream.ContiguousEndsAtGap || stream.IsClosed ? view.Length : view.Length - (MysqlParser.HeaderBytes - 1);
        for (var i = 0; i < limit; i++)
        {
            if (isRequestSide ? MysqlResync.IsRequestStart(view.Slice(i)) : MysqlResync.IsResponseStart(view.Slice(i)))
            {
                if (i > 0)
                {
                    stream.Consume(i);
                    BytesSkipped += i;
                }

                stream.NeedsResync = false;
                Resyncs++;
                _nextIsContinuation = false;
                return i > 0;
            }
        }

        if (limit > 0)
        {
            stream.Consume(limit);
            BytesSkipped += limit;
            return true;
        }

        return false;
    }
}

/// <summary>Where a packet may start in bytes met mid-way: a header whose chain of packets fits what follows.</summary>
internal static class MysqlResync
{
    /// <summary>A command packet (seq 0, known command byte) followed by the end of the bytes or another plausible client packet.</summary>
    public static bool IsRequestStart(ReadOnlySpan<byte> buf)
    {
        if (!MysqlParser.TryReadHeader(buf, out var len, out var seq) || seq != 0 || buf.Length < 5)
        {
            return false;
        }

        var payload = buf.Slice(MysqlParser.HeaderBytes, Math.Min(len, buf.Length - MysqlParser.HeaderBytes));
        if (!MysqlParser.LooksLikeCommand(payload, len, len))
        {
            return false;
        }

        var next = MysqlParser.HeaderBytes + len;
        if (next >= buf.Length)
        {
            return true;
        }

        return !MysqlParser.TryReadHeader(buf.Slice(next), out var len2, out var seq2) || (seq2 <= 1 && len2 > 0);
    }

    /// <summary>
    /// Within the first <paramref name="scan"/> bytes, a command packet (seq 0, known command, text or fixed-length
    /// argument) that ends exactly where the bytes end: clients write one command per write, so the bytes held for
    /// a connection met mid-way end with one.
    /// </summary>
    public static bool FindWholeCommand(ReadOnlySpan<byte> buf, int scan = 512)
    {
        for (var i = 0; i < Math.Min(scan, buf.Length - MysqlParser.HeaderBytes - 1); i++)
        {
            var b = buf[i..];
            if (MysqlParser.TryReadHeader(b, out var len, out var seq) && seq == 0 && len == b.Length - MysqlParser.HeaderBytes
                && (MysqlCommands.HasTextArgument(b[4]) || MysqlCommands.FixedLength(b[4]) > 0) && IsRequestStart(b))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A first response packet (seq 1) whose following headers chain up (seq + 1, or 1 for the next response) to the end of the bytes.</summary>
    public static bool IsResponseStart(ReadOnlySpan<byte> buf)
    {
        if (MysqlParser.Classify(buf) == MysqlFirstPacket.Greeting)
        {
            return true;
        }

        if (!MysqlParser.TryReadHeader(buf, out var len, out var seq) || seq != 1 || len == 0 || buf.Length < 5)
        {
            return false;
        }

        // 0xfd would be a column count of 2^16 or more (MySQL allows 4096 columns).
        if (buf[MysqlParser.HeaderBytes] == 0xfd)
        {
            return false;
        }

        var o = 0;
        var prev = seq;
        for (var hops = 0; hops < 64; hops++)
        {
            o += MysqlParser.HeaderBytes + len;
            if (o >= buf.Length)
            {
                return true;
            }

            if (!MysqlParser.TryReadHeader(buf.Slice(o), out len, out seq))
            {
                return true;
            }

            if (seq != (byte)(prev + 1) && seq != 1)
            {
                return false;
            }

            prev = seq;
        }

        return true;
    }
}
