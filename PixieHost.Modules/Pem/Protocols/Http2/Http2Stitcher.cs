using System.Buffers.Binary;

namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// Pairs the requests and responses of one HTTP/2 connection by stream id. Frames of each direction come in
/// order (<see cref="OnFrame"/>); header blocks (HEADERS + CONTINUATION, PUSH_PROMISE) are assembled and decoded
/// with that direction's <see cref="HpackDecoder"/>, even for streams not tracked, so the tables stay in step.
/// A stream is done when both sides sent END_STREAM, or on RST_STREAM; done streams wait in
/// <see cref="Completed"/> for the writer. At most <see cref="MaxOpenStreams"/> streams are open: past that the
/// oldest is dropped and counted.
/// </summary>
public sealed class Http2Stitcher(ProtocolStats stats, Stack<Http2Stream>? pool = null)
{
    /// <summary>Open streams kept per connection (servers commonly allow 100 concurrent streams; Kestrel 100, Go 250).</summary>
    public const int MaxOpenStreams = 512;

    /// <summary>A header block longer than this is dropped (and the table state with it): Pixie caps headers at 8 KiB.</summary>
    public const int MaxHeaderBlockBytes = 64 * 1024;

    private readonly Dictionary<int, Http2Stream> _open = [];
    private readonly Stack<Http2Stream> _pool = pool ?? new Stack<Http2Stream>();

    public HeaderSide Client { get; } = new();

    public HeaderSide Server { get; } = new();

    /// <summary>Done streams, oldest first; the caller writes them and hands them back with <see cref="Recycle"/>.</summary>
    public List<Http2Stream> Completed { get; } = [];

    public int OpenStreams => _open.Count;

    /// <summary>The client preface was seen at the start of the client's stream: both tables start empty and known.</summary>
    public bool PrefaceSeen { get; set; }

    /// <summary>Handles one whole frame sent by the client (<paramref name="fromClient"/>) or the server at <paramref name="tsNs"/>.</summary>
    public void OnFrame(in Http2FrameHeader h, ReadOnlySpan<byte> payload, bool fromClient, ulong tsNs)
    {
        var side = fromClient ? Client : Server;
        if (side.InBlock && h.Type != Http2FrameType.Continuation)
        {
            // RFC 9113 6.10: nothing may come between HEADERS and its CONTINUATION; the block is lost.
            stats.ParseErrors++;
            side.DropBlock();
        }

        switch (h.Type)
        {
            case Http2FrameType.Data:
                OnData(h, payload, fromClient, tsNs);
                break;
            case Http2FrameType.Headers:
            case Http2FrameType.PushPromise:
                OnHeaders(side, h, payload, fromClient, tsNs);
                break;
            case Http2FrameType.Continuation:
                OnContinuation(side, h, payload, fromClient);
                break;
            case Http2FrameType.RstStream:
                if (_open.TryGetValue(h.StreamId, out var s))
                {
                    s.WasReset = true;
                    (fromClient ? s.Request : s.Response).Touch(tsNs);
                    Complete(s);
                }

                break;
            case Http2FrameType.Settings:
                OnSettings(h, payload, fromClient);
                break;
        }
    }

    /// <summary>Bytes of this direction were lost or skipped: its table and any block in progress are unknown.</summary>
    public void LoseState(bool fromClient)
    {
        var side = fromClient ? Client : Server;
        side.DropBlock();
        side.Midway = true;
    }

    /// <summary>Drops open streams first seen before <paramref name="olderThanNs"/>; returns how many.</summary>
    public int Expire(ulong olderThanNs)
    {
        List<Http2Stream>? old = null;
        foreach (var s in _open.Values)
        {
            if (s.CreatedNs < olderThanNs)
            {
                (old ??= []).Add(s);
            }
        }

        foreach (var s in old ?? [])
        {
            _open.Remove(s.Id);
            Recycle(s);
        }

        return old?.Count ?? 0;
    }

    /// <summary>Drops every open stream (the connection closed); returns how many had a request.</summary>
    public int DropOpen()
    {
        var n = 0;
        foreach (var s in _open.Values)
        {
            n += s.Request.Started ? 1 : 0;
            Recycle(s);
        }

        _open.Clear();
        return n;
    }

    public void Recycle(Http2Stream s)
    {
        s.Reset();
        if (_pool.Count < 1024)
        {
            _pool.Push(s);
        }
    }

    private void OnData(in Http2FrameHeader h, ReadOnlySpan<byte> payload, bool fromClient, ulong tsNs)
    {
        if (!_open.TryGetValue(h.StreamId, out var s))
        {
            return;
        }

        if (!Http2Parser.TryGetContent(h, payload, out var data, out _))
        {
            stats.ParseErrors++;
            return;
        }

        var m = fromClient ? s.Request : s.Response;
        m.Touch(tsNs);
        m.AppendBody(data);
        if (h.EndStream)
        {
            m.Ended = true;
            Complete(s);
        }
    }

    private void OnHeaders(HeaderSide side, in Http2FrameHeader h, ReadOnlySpan<byte> payload, bool fromClient, ulong tsNs)
    {
        if (!Http2Parser.TryGetContent(h, payload, out var fragment, out _))
        {
            // The block cannot be decoded, so the table may now differ from the peer's.
            stats.ParseErrors++;
            side.Decoder?.LoseState();
            side.Midway = true;
            return;
        }

        var push = h.Type == Http2FrameType.PushPromise;
        if (h.EndHeaders)
        {
            DecodeBlock(side, fragment, h.StreamId, h.EndStream, push, fromClient, tsNs);
            return;
        }

        if (!side.StartBlock(fragment, h.StreamId, h.EndStream, push, tsNs))
        {
            stats.ParseErrors++;
            side.DropBlock();
            side.Midway = true;
        }
    }

    private void OnContinuation(HeaderSide side, in Http2FrameHeader h, ReadOnlySpan<byte> payload, bool fromClient)
    {
        if (!side.InBlock || side.BlockStream != h.StreamId)
        {
            // Its HEADERS was never seen (met mid-way) or belongs to another stream: the block is lost.
            stats.ParseErrors++;
            side.DropBlock();
            side.Decoder?.LoseState();
            side.Midway = true;
            return;
        }

        if (!side.AppendBlock(payload))
        {
            stats.ParseErrors++;
            side.DropBlock();
            side.Decoder?.LoseState();
            side.Midway = true;
            return;
        }

        if (h.EndHeaders)
        {
            DecodeBlock(side, side.Block, side.BlockStream, side.BlockEndStream, side.BlockIsPush, fromClient, side.BlockTimestampNs);
            side.DropBlock();
        }
    }

    private void DecodeBlock(HeaderSide side, ReadOnlySpan<byte> block, int streamId, bool endStream, bool push, bool fromClient, ulong tsNs)
    {
        side.Decoder ??= new HpackDecoder(stateKnown: PrefaceSeen && !side.Midway);
        if (side.Midway)
        {
            // Blocks lost in between may have inserted entries: every known index may be off now.
            side.Decoder.LoseState();
        }

        side.Midway = false;
        Http2Message? m = null;
        Http2Stream? s = null;
        if (!push && (streamId & 1) == 1)
        {
            if (!_open.TryGetValue(streamId, out s) && fromClient)
            {
                s = Open(streamId, tsNs);
            }

            if (s is null)
            {
                stats.UnmatchedResponses++;
            }
            else
            {
                m = fromClient ? s.Request : s.Response;
            }
        }

        var before = m?.Headers.Count ?? 0;
        side.Decoder.Decode(block, m?.Headers);
        if (m is null || s is null)
        {
            return;
        }

        if (!fromClient && !endStream && IsInformational(m.Headers, before))
        {
            // 1xx (100 Continue, 103 Early Hints): the final response follows on the same stream.
            m.Headers.Clear();
            return;
        }

        m.Touch(tsNs);
        if (endStream)
        {
            m.Ended = true;
            Complete(s);
        }
    }

    private static bool IsInformational(Http2Headers headers, int from)
    {
        for (var i = from; i < headers.Count; i++)
        {
            if (headers.Name(i).SequenceEqual(":status"u8))
            {
                var v = headers.Value(i);
                return v.Length == 3 && v[0] == (byte)'1';
            }
        }

        return false;
    }

    private Http2Stream Open(int streamId, ulong tsNs)
    {
        if (_open.Count >= MaxOpenStreams)
        {
            Http2Stream? oldest = null;
            foreach (var o in _open.Values)
            {
                if (oldest is null || o.CreatedNs < oldest.CreatedNs || (o.CreatedNs == oldest.CreatedNs && o.Id < oldest.Id))
                {
                    oldest = o;
                }
            }

            _open.Remove(oldest!.Id);
            Recycle(oldest);
            stats.ExpiredMessages++;
        }

        var s = _pool.Count > 0 ? _pool.Pop() : new Http2Stream();
        s.Id = streamId;
        s.CreatedNs = tsNs;
        _open[streamId] = s;
        return s;
    }

    private void Complete(Http2Stream s)
    {
        if (!s.IsComplete)
        {
            return;
        }

        _open.Remove(s.Id);
        Completed.Add(s);
    }

    private void OnSettings(in Http2FrameHeader h, ReadOnlySpan<byte> payload, bool fromClient)
    {
        if (h.Has(Http2Flags.Ack) || h.StreamId != 0)
        {
            return;
        }

        // SETTINGS_HEADER_TABLE_SIZE bounds the table of the peer's encoder, i.e. the decoder of the other direction.
        // The encoder still announces the size it uses with a size update, which the decoder follows.
        for (var i = 0; i + 6 <= payload.Length; i += 6)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(payload[i..]) == 1)
            {
                (fromClient ? Server : Client).HeaderTableSizeSetting = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
            }
        }
    }

    /// <summary>The header-block state of one direction.</summary>
    public sealed class HeaderSide
    {
        private byte[] _block = [];
        private int _blockLength;

        public HpackDecoder? Decoder { get; set; }

        /// <summary>Bytes were skipped or lost before the next header block: the table is not known to be in step.</summary>
        public bool Midway { get; set; }

        /// <summary>The last SETTINGS_HEADER_TABLE_SIZE the peer allowed this direction's encoder.</summary>
        public uint? HeaderTableSizeSetting { get; set; }

        public bool InBlock { get; private set; }

        public int BlockStream { get; private set; }

        public bool BlockEndStream { get; private set; }

        public bool BlockIsPush { get; private set; }

        public ulong BlockTimestampNs { get; private set; }

        public ReadOnlySpan<byte> Block => _block.AsSpan(0, _blockLength);

        public bool StartBlock(ReadOnlySpan<byte> fragment, int stream, bool endStream, bool push, ulong tsNs)
        {
            InBlock = true;
            BlockStream = stream;
            BlockEndStream = endStream;
            BlockIsPush = push;
            BlockTimestampNs = tsNs;
            _blockLength = 0;
            return AppendBlock(fragment);
        }

        public bool AppendBlock(ReadOnlySpan<byte> fragment)
        {
            if (_blockLength + fragment.Length > MaxHeaderBlockBytes)
            {
                return false;
            }

            if (_blockLength + fragment.Length > _block.Length)
            {
                Array.Resize(ref _block, Math.Max(_blockLength + fragment.Length, Math.Max(256, _block.Length * 2)));
            }

            fragment.CopyTo(_block.AsSpan(_blockLength));
            _blockLength += fragment.Length;
            return true;
        }

        public void DropBlock()
        {
            InBlock = false;
            _blockLength = 0;
        }
    }
}
