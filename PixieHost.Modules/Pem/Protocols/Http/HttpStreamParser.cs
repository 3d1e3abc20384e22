using System.Buffers;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>
/// Cuts one <see cref="DataStream"/> into HTTP frames of one kind. Keeps the message whose body is still
/// arriving between calls; crosses gaps inside bodies of known length (the lost bytes count in the body size);
/// after a gap in a head, garbage or a stream met mid-way, skips to the next plausible start line.
/// </summary>
public sealed class HttpStreamParser(HttpMessageKind kind)
{
    private HttpFrame? _frame;
    private HttpBodyState _body;
    private bool _inBody;

    public HttpMessageKind Kind => kind;

    /// <summary>A message head was parsed and its body is still arriving.</summary>
    public bool InBody => _inBody;

    /// <summary>
    /// Parses the next complete frame. <paramref name="answersHead"/>: the next response answers a HEAD request.
    /// False when more bytes are needed.
    /// </summary>
    public bool TryParseNext(DataStream stream, HttpFramePool pool, bool answersHead, HttpStats stats, out HttpFrame frame)
    {
        frame = null!;
        while (true)
        {
            if (!_inBody && !TryParseHead(stream, pool, answersHead, stats))
            {
                return false;
            }

            var status = HttpParser.ParseBody(ref _body, stream.Contiguous, _frame!, out var used);
            stream.Consume(used);
            if (status == OperationStatus.Done)
            {
                frame = _frame!;
                _frame = null;
                _inBody = false;
                stats.FramesParsed++;
                return true;
            }

            if (status == OperationStatus.InvalidData)
            {
                Abandon(stream, pool, stats);
                continue;
            }

            var gap = stream.GapAtHead;
            if (gap > 0)
            {
                var absorbed = HttpParser.AbsorbGap(ref _body, _frame!, gap);
                if (absorbed == 0)
                {
                    Abandon(stream, pool, stats);
                }
                else
                {
                    stream.SkipGap(absorbed);
                }

                continue;
            }

            if (stream.IsClosed && stream.IsEmpty)
            {
                if (_body.Mode == HttpBodyMode.UntilClose)
                {
                    frame = _frame!;
                    _frame = null;
                    _inBody = false;
                    stats.FramesParsed++;
                    return true;
                }

                Abandon(stream, pool, stats);
            }

            return false;
        }
    }

    /// <summary>Drops a message being parsed (connection gone) and returns its frame.</summary>
    public void Reset(HttpFramePool pool)
    {
        if (_frame is not null)
        {
            pool.Return(_frame);
            _frame = null;
        }

        _inBody = false;
    }

    private bool TryParseHead(DataStream stream, HttpFramePool pool, bool answersHead, HttpStats stats)
    {
        while (true)
        {
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

            _frame ??= pool.Rent();
            var status = HttpParser.ParseHead(view, kind, _frame, out var consumed);
            if (status == OperationStatus.Done)
            {
                _frame.TimestampNs = stream.HeadTimestampNs;
                stream.Consume(consumed);
                _body = HttpParser.BeginBody(_frame, kind == HttpMessageKind.Response && answersHead);
                _inBody = true;
                return true;
            }

            if (status == OperationStatus.InvalidData)
            {
                stats.ParseErrors++;
                stream.Consume(1);
                stream.NeedsResync = true;
                continue;
            }

            if (stream.ContiguousEndsAtGap || (stream.IsClosed && stream.NothingAfterContiguous))
            {
                // The rest of this head will never arrive.
                stats.IncompleteFrames++;
                stream.Consume(view.Length);
                stream.NeedsResync = true;
                continue;
            }

            return false;
        }
    }

    /// <summary>Moves the head to the next place a message may start; false when the bytes held have none.</summary>
    private bool Resync(DataStream stream, HttpStats stats)
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

            var start = HttpParser.FindMessageStart(view, kind);
            var skip = start < 0 ? view.Length : start;
            stats.BytesSkipped += skip;
            stream.Consume(skip);
            if (start >= 0)
            {
                stream.NeedsResync = false;
                stats.Resyncs++;
                return true;
            }
        }
    }

    private void Abandon(DataStream stream, HttpFramePool pool, HttpStats stats)
    {
        stats.IncompleteFrames++;
        Reset(pool);
        stream.NeedsResync = true;
    }
}
