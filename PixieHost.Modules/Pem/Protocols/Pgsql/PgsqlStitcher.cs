namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>Receives each stitched request/response pair.</summary>
public interface IPgsqlRecordSink
{
    void OnRecord(PgsqlRequest request, PgsqlText response, ulong responseTsNs);
}

/// <summary>
/// Pairs the requests of one connection with the responses the server sends, in FIFO order (the protocol answers
/// in order). A simple Query collects its RowDescription, DataRows, CommandComplete or ErrorResponse up to
/// ReadyForQuery and becomes one row. In the extended protocol Parse is one row ("PARSE COMPLETE" or the error);
/// Bind, Describe, Close and Sync produce none (a Bind error is written as the Execute that will not run); Execute
/// is one row with its data rows and command tag, the header from the portal's (or statement's) RowDescription.
/// After an error the server skips to Sync: the ReadyForQuery then drops the requests it skipped. Startup,
/// authentication and SSL negotiation are followed but not written, as in Pixie. Responses older than the oldest
/// request (connection met mid-way) are dropped and counted.
/// </summary>
public sealed partial class PgsqlStitcher(int maxPending = 1024)
{
    private readonly Queue<PgsqlRequest> _pending = new();
    private readonly Stack<PgsqlRequest> _pool = new();
    private readonly PgsqlText _resp = new();
    private ulong _respTs;
    private bool _respStarted;

    public int PendingRequests => _pending.Count;

    /// <summary>The oldest request is an SSLRequest: the next response byte is its untyped answer.</summary>
    public bool ExpectSslAnswer => _pending.Count > 0 && _pending.Peek().Kind == PgsqlRequestKind.SslRequest;

    /// <summary>Takes one backend message and writes the pairs it completes to <paramref name="sink"/>.</summary>
    public void OnResponse(in PgsqlMessage m, ulong tsNs, IPgsqlRecordSink sink, ProtocolStats stats)
    {
        if (IsUnsolicited(m))
        {
            return;
        }

        while (true)
        {
            if (_pending.Count == 0)
            {
                if (m.Tag is not (PgsqlTag.ReadyForQuery or PgsqlTag.DataRow))
                {
                    stats.UnmatchedResponses++;
                }

                return;
            }

            var head = _pending.Peek();
            if (tsNs < head.TimestampNs)
            {
                stats.UnmatchedResponses++;
                return;
            }

            if (Dispatch(head, m, tsNs, sink))
            {
                return;
            }

            // The head got no answer (skipped after an error, or an SSL answer that is not one): drop it, retry.
            Complete();
        }
    }

    /// <summary>Drops requests older than <paramref name="olderThanNs"/>.</summary>
    public void Expire(ulong olderThanNs, ProtocolStats stats)
    {
        while (_pending.Count > 0 && _pending.Peek().TimestampNs < olderThanNs)
        {
            if (WritesRow(_pending.Peek().Kind))
            {
                stats.ExpiredMessages++;
            }

            Complete();
        }
    }

    /// <summary>The connection is gone: what is pending never completes.</summary>
    public void Clear(ProtocolStats stats)
    {
        while (_pending.Count > 0)
        {
            if (WritesRow(_pending.Peek().Kind))
            {
                stats.UnansweredRequests++;
            }

            Complete();
        }
    }

    private static bool WritesRow(PgsqlRequestKind k) => k is PgsqlRequestKind.Query or PgsqlRequestKind.Parse or PgsqlRequestKind.Execute;

    /// <summary>Messages that answer no request of their own: auth exchange, parameter changes, notices, COPY traffic.</summary>
    public static bool IsUnsolicited(in PgsqlMessage m) => m.Length > 1 && IsAsync(m.Tag);

    private static bool IsAsync(byte tag) => tag is PgsqlTag.Authentication or PgsqlTag.ParameterStatus or PgsqlTag.BackendKeyData
        or PgsqlTag.NoticeResponse or PgsqlTag.NotificationResponse or PgsqlTag.CopyInResponse or PgsqlTag.CopyOutResponse
        or PgsqlTag.CopyBothResponse or PgsqlTag.CopyData or PgsqlTag.CopyDone or PgsqlTag.NegotiateProtocolVersion;

    /// <summary>Feeds <paramref name="m"/> to the head request; false when the head cannot take it (drop it and retry).</summary>
    private bool Dispatch(PgsqlRequest head, in PgsqlMessage m, ulong tsNs, IPgsqlRecordSink sink)
    {
        var tag = m.Tag;
        if (m.Length == 1)
        {
            // An untyped SSL/GSS answer.
            if (head.Kind == PgsqlRequestKind.SslRequest)
            {
                Complete();
            }

            return true;
        }

        switch (head.Kind)
        {
            case PgsqlRequestKind.SslRequest:
                return false;
            case PgsqlRequestKind.Startup:
                if (tag is PgsqlTag.ReadyForQuery or PgsqlTag.ErrorResponse)
                {
                    Complete();
                }

                return true;
            case PgsqlRequestKind.Query or PgsqlRequestKind.FunctionCall:
                return OnQueryResponse(head, m, tsNs, sink);
            case PgsqlRequestKind.Parse:
                return OnSimpleAnswer(head, m, tsNs, sink, PgsqlTag.ParseComplete, "PARSE COMPLETE"u8, writeOk: true);
            case PgsqlRequestKind.Bind:
                return OnSimpleAnswer(head, m, tsNs, sink, PgsqlTag.BindComplete, default, writeOk: false);
            case PgsqlRequestKind.Close:
                return OnSimpleAnswer(head, m, tsNs, sink, PgsqlTag.CloseComplete, default, writeOk: false);
            case PgsqlRequestKind.Describe:
                return OnDescribeResponse(head, m);
            case PgsqlRequestKind.Execute:
                return OnExecuteResponse(head, m, tsNs, sink);
            case PgsqlRequestKind.Sync:
                if (tag == PgsqlTag.ReadyForQuery)
                {
                    Complete();
                }

                return true;
            default:
                return false;
        }
    }

    private bool OnQueryResponse(PgsqlRequest head, in PgsqlMessage m, ulong tsNs, IPgsqlRecordSink sink)
    {
        Begin(head);
        switch (m.Tag)
        {
            case PgsqlTag.RowDescription:
                NewLine();
                PgsqlResponseText.AppendColumnNames(_resp, m.Payload);
                return true;
            case PgsqlTag.DataRow:
                NewLine();
                PgsqlResponseText.AppendDataRow(_resp, m.Payload, null, null);
                return true;
            case PgsqlTag.CommandComplete:
                NewLine();
                _resp.Append(new PgsqlReader(m.Payload).ReadCStringOrRest());
                _respTs = tsNs;
                return true;
            case PgsqlTag.ErrorResponse:
                NewLine();
                PgsqlResponseText.AppendError(_resp, m.Payload);
                _respTs = tsNs;
                return true;
            case PgsqlTag.EmptyQueryResponse or PgsqlTag.FunctionCallResponse:
                _respTs = tsNs;
                return true;
            case PgsqlTag.ReadyForQuery:
                if (head.Kind == PgsqlRequestKind.Query)
                {
                    sink.OnRecord(head, _resp, _respTs != 0 ? _respTs : tsNs);
                }

                Complete();
                return true;
            default:
                return true;
        }
    }

    private bool OnSimpleAnswer(PgsqlRequest head, in PgsqlMessage m, ulong tsNs, IPgsqlRecordSink sink, byte okTag,
        ReadOnlySpan<byte> okText, bool writeOk)
    {
        if (m.Tag == okTag)
        {
            if (writeOk)
            {
                Begin(head);
                _resp.Append(okText);
                sink.OnRecord(head, _resp, tsNs);
            }

            Complete();
            return true;
        }

        if (m.Tag == PgsqlTag.ErrorResponse)
        {
            Begin(head);
            PgsqlResponseText.AppendError(_resp, m.Payload);
            if (head.Kind != PgsqlRequestKind.Close)
            {
                sink.OnRecord(head, _resp, tsNs);
            }

            Complete();
            return true;
        }

        return false;
    }

    private bool OnDescribeResponse(PgsqlRequest head, in PgsqlMessage m)
    {
        switch (m.Tag)
        {
            case PgsqlTag.ParameterDescription:
                if (head.Statement is { } s)
                {
                    var types = PgsqlResponseText.ParseParameterTypes(m.Payload);
                    if (types is not null)
                    {
                        s.ParamTypes = types;
                    }
                }

                return true;
            case PgsqlTag.RowDescription:
                var desc = PgsqlRowDesc.Parse(m.Payload);
                if (head.Portal is { } p)
                {
                    p.RowDesc = desc;
                }
                else if (head.Statement is { } st)
                {
                    st.RowDesc = desc;
                }

                Complete();
                return true;
            case PgsqlTag.NoData or PgsqlTag.ErrorResponse:
                Complete();
                return true;
            default:
                return false;
        }
    }

    private bool OnExecuteResponse(PgsqlRequest head, in PgsqlMessage m, ulong tsNs, IPgsqlRecordSink sink)
    {
        var desc = head.Portal?.RowDesc ?? head.Statement?.RowDesc;
        switch (m.Tag)
        {
            case PgsqlTag.DataRow:
                BeginExecute(head, desc);
                NewLine();
                PgsqlResponseText.AppendDataRow(_resp, m.Payload, desc, head.Portal);
                return true;
            case PgsqlTag.CommandComplete or PgsqlTag.EmptyQueryResponse or PgsqlTag.PortalSuspended:
                BeginExecute(head, desc);
                if (m.Tag == PgsqlTag.CommandComplete)
                {
                    NewLine();
                    _resp.Append(new PgsqlReader(m.Payload).ReadCStringOrRest());
                }

                sink.OnRecord(head, _resp, tsNs);
                Complete();
                return true;
            case PgsqlTag.ErrorResponse:
                BeginExecute(head, desc);
                NewLine();
                PgsqlResponseText.AppendError(_resp, m.Payload);
                sink.OnRecord(head, _resp, tsNs);
                Complete();
                return true;
            default:
                return false;
        }
    }

    private void BeginExecute(PgsqlRequest head, PgsqlRowDesc? desc)
    {
        if (_respStarted)
        {
            return;
        }

        Begin(head);
        if (desc is not null && desc.Names.Length > 0)
        {
            for (var i = 0; i < desc.Names.Length; i++)
            {
                if (i > 0)
                {
                    _resp.Append((byte)',');
                }

                _resp.Append(desc.Names[i]);
            }
        }
    }

    private void Begin(PgsqlRequest head)
    {
        if (!_respStarted)
        {
            _respStarted = true;
            _resp.Reset(head.Text.Cap);
            _respTs = 0;
        }
    }

    private void NewLine()
    {
        if (_resp.FullLength > 0)
        {
            _resp.Append((byte)'\n');
        }
    }

    private PgsqlRequest Enqueue(PgsqlRequestKind kind, ulong tsNs, int maxStringBytes, ProtocolStats stats)
    {
        if (_pending.Count >= maxPending)
        {
            stats.ExpiredMessages++;
            Complete();
        }

        var req = _pool.Count > 0 ? _pool.Pop() : new PgsqlRequest();
        req.Kind = kind;
        req.TimestampNs = tsNs;
        req.Text.Reset(maxStringBytes);
        _pending.Enqueue(req);
        return req;
    }

    /// <summary>Removes the head request and resets the response being built for it.</summary>
    private void Complete()
    {
        var req = _pending.Dequeue();
        req.Reset();
        if (_pool.Count < 64)
        {
            _pool.Push(req);
        }

        _respStarted = false;
        _resp.Reset(_resp.Cap);
    }
}
