namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>
/// Pairs the requests and responses of one connection in FIFO order, as HTTP/1.x pipelining requires.
/// 1xx responses other than 101 are interim (100 Continue): they are counted and dropped, so the final response
/// still finds its request. A response older than the oldest pending request has no request (the connection
/// was met mid-stream): it is dropped. Unanswered requests expire (Pixie: 60 s) and are dropped at close,
/// like Pixie, which never writes a record without a response.
/// </summary>
public sealed class HttpStitcher(int maxPendingPerSide = 1024)
{
    private readonly FrameQueue _requests = new();
    private readonly FrameQueue _responses = new();

    public int PendingRequests => _requests.Count;

    public int PendingResponses => _responses.Count;

    /// <summary>The next response to parse answers a HEAD request (so it has no body).</summary>
    public bool NextResponseAnswersHead =>
        _requests.Count > _responses.Count && _requests[_responses.Count].IsHeadRequest;

    public void AddRequest(HttpFrame request, HttpFramePool pool, HttpStats stats)
    {
        if (_requests.Count >= maxPendingPerSide)
        {
            pool.Return(_requests.Dequeue());
            stats.ExpiredRequests++;
        }

        _requests.Enqueue(request);
    }

    public void AddResponse(HttpFrame response, HttpFramePool pool, HttpStats stats)
    {
        if (response.Status is >= 100 and < 200 and not 101)
        {
            stats.InformationalResponses++;
            pool.Return(response);
            return;
        }

        if (_responses.Count >= maxPendingPerSide)
        {
            pool.Return(_responses.Dequeue());
            stats.UnmatchedResponses++;
        }

        _responses.Enqueue(response);
    }

    /// <summary>Takes the next request/response pair; the caller returns both frames to the pool when done.</summary>
    public bool TryTakePair(HttpFramePool pool, HttpStats stats, out HttpFrame request, out HttpFrame response)
    {
        while (_responses.Count > 0 && _requests.Count > 0)
        {
            if (_responses[0].TimestampNs < _requests[0].TimestampNs)
            {
                pool.Return(_responses.Dequeue());
                stats.UnmatchedResponses++;
                continue;
            }

            request = _requests.Dequeue();
            response = _responses.Dequeue();
            return true;
        }

        request = response = null!;
        return false;
    }

    /// <summary>Drops messages whose timestamp is older than <paramref name="oldestKeptNs"/>.</summary>
    public void Expire(ulong oldestKeptNs, HttpFramePool pool, HttpStats stats)
    {
        while (_requests.Count > 0 && _requests[0].TimestampNs < oldestKeptNs)
        {
            pool.Return(_requests.Dequeue());
            stats.ExpiredRequests++;
        }

        while (_responses.Count > 0 && _responses[0].TimestampNs < oldestKeptNs)
        {
            pool.Return(_responses.Dequeue());
            stats.UnmatchedResponses++;
        }
    }

    /// <summary>The connection is gone: everything pending is dropped and counted.</summary>
    public void Clear(HttpFramePool pool, HttpStats stats)
    {
        while (_requests.Count > 0)
        {
            pool.Return(_requests.Dequeue());
            stats.UnansweredRequests++;
        }

        while (_responses.Count > 0)
        {
            pool.Return(_responses.Dequeue());
            stats.UnmatchedResponses++;
        }
    }
}
