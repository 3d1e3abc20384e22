using System.Buffers;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>
/// Cuts one <see cref="DataStream"/> into PostgreSQL messages. A message longer than <see cref="MaxHeldBytes"/>
/// is handed out with its first bytes only and the rest is skipped, across gaps too, so framing survives a lost
/// chunk inside a large DataRow. A gap inside a header, garbage or a stream met mid-way sends the parser looking
/// for the next plausible message start.
/// </summary>
public sealed class PgsqlStreamParser(bool frontend)
{
    /// <summary>Bytes of a message kept for parsing: every text cell is capped at ~1 KiB, 64 KiB holds them all.</summary>
    public const int MaxHeldBytes = 64 * 1024;

    /// <summary>The longest message believed right after a resync (a text byte before a NUL often looks like a type byte).</summary>
    public const int MaxTentativeBytes = 64 * 1024;

    private int _pending;
    private long _skipAfter;
    private long _skip;
    private ProtocolStats? _stats;

    // The head was found by a resync: until one message parses, a long declared length is more likely garbage.
    private bool _tentative;

    public bool Frontend => frontend;

    /// <summary>
    /// The next message, valid until <see cref="Advance"/>. <paramref name="expectSslAnswer"/>: the server is
    /// answering an SSLRequest or GSSENCRequest, whose one-byte reply ('S', 'N' or 'G') has no header; it comes back
    /// as a message of <see cref="PgsqlMessage.Length"/> 1. False when more bytes are needed.
    /// </summary>
    public bool TryNext(DataStream stream, bool expectSslAnswer, ProtocolStats stats, out PgsqlMessage msg, out ulong tsNs)
    {
        _stats = stats;
        msg = default;
        tsNs = 0;
        while (true)
        {
            if (_skip > 0 && !SkipRest(stream))
            {
                return false;
            }

            if (stream.NeedsResync && !Resync(stream, stats))
            {
                return false;
            }

            var view = stream.Contiguous;
            if (view.IsEmpty)
            {
                var gap = stream.GapAtHead;
                if (gap == 0)
                {
                    return false;
                }

                stream.SkipGap(gap);
                stream.NeedsResync = true;
                continue;
            }

            tsNs = stream.HeadTimestampNs;
            if (expectSslAnswer && !frontend && view[0] is (byte)'S' or (byte)'N' or (byte)'G')
            {
                msg = new PgsqlMessage(view[0], 1, default, truncated: false);
                _pending = 1;
                _skipAfter = 0;
                return true;
            }

            var status = PgsqlParser.TryParse(view, frontend, MaxHeldBytes, out msg, out var used);
            if (status == OperationStatus.Done)
            {
                _pending = used;
                _skipAfter = msg.Length - used;
                _tentative = false;
                return true;
            }

            if (status == OperationStatus.InvalidData)
            {
                stats.ParseErrors++;
                stats.BytesSkipped++;
                stream.Consume(1);
                stream.NeedsResync = true;
                continue;
            }

            if (_tentative && PeekLength(view) > MaxTentativeBytes)
            {
                stats.ParseErrors++;
                stats.BytesSkipped++;
                stream.Consume(1);
                stream.NeedsResync = true;
                continue;
            }

            if (stream.ContiguousEndsAtGap || (stream.IsClosed && stream.NothingAfterContiguous))
            {
                // The message will never be whole: keep framing when its length is known, else look for the next.
                var total = PeekLength(view);
                stats.BytesSkipped += view.Length;
                stream.Consume(view.Length);
                if (total > view.Length)
                {
                    _skip = total - view.Length;
                }
                else
                {
                    stream.NeedsResync = true;
                }

                continue;
            }

            return false;
        }
    }

    /// <summary>Consumes the message <see cref="TryNext"/> returned.</summary>
    public void Advance(DataStream stream)
    {
        if (_pending > 0 && _stats is not null)
        {
            _stats.FramesParsed++;
        }

        stream.Consume(_pending);
        _pending = 0;
        _skip = _skipAfter;
        _skipAfter = 0;
    }

    /// <summary>Forgets a message being skipped (the stream is gone).</summary>
    public void Reset()
    {
        _tentative = false;
        _pending = 0;
        _skip = _skipAfter = 0;
    }

    private long PeekLength(ReadOnlySpan<byte> view)
    {
        if (view.Length < PgsqlParser.HeaderBytes || (frontend && view[0] == 0))
        {
            return -1;
        }

        var len = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(view[1..]);
        return len >= 4 ? (long)len + 1 : -1;
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

    private bool Resync(DataStream stream, ProtocolStats stats)
    {
        while (true)
        {
            var view = stream.Contiguous;
            if (view.IsEmpty)
            {
                var gap = stream.GapAtHead;
                if (gap == 0)
                {
                    return false;
                }

                stream.SkipGap(gap);
                continue;
            }

            var start = PgsqlParser.FindMessageStart(view, frontend);
            var skip = start < 0 ? view.Length : start;
            stats.BytesSkipped += skip;
            stream.Consume(skip);
            if (start >= 0)
            {
                stream.NeedsResync = false;
                _tentative = true;
                return true;
            }
        }
    }
}
