using System.Buffers.Binary;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Http2;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>Replays recorded HTTP/2 connections into a socket tracer with only the HTTP/2 handler, and reads the rows.</summary>
internal static class Http2Replay
{
    /// <summary>
    /// Feeds <paramref name="chunks"/> as the process on <paramref name="side"/> saw them. With
    /// <paramref name="dropClientBytes"/> / <paramref name="dropServerBytes"/> the first bytes of each direction are
    /// never seen and no open event is sent: a connection that existed before tracing (role inferred).
    /// </summary>
    public static List<Dictionary<string, object?>> Rows(IReadOnlyList<RecordedChunk> chunks, TraceRole side, out Http2Handler handler,
        long dropClientBytes = 0, long dropServerBytes = 0, Func<int, bool>? lose = null)
    {
        var store = new TableStore();
        handler = new Http2Handler();
        using var tracer = new Tracer(new SocketTracerOptions { Asid = 3 }, store, new FakeTracerEnvironment(), [handler]);
        Feed(tracer, chunks, side, dropClientBytes, dropServerBytes, lose);
        tracer.Flush();
        return TableRows.Read(store.Find("http_events"));
    }

    /// <param name="lose">Chunks (by index) whose bytes never arrive: the stream gets a gap there.</param>
    public static void Feed(ISocketEventSink sink, IReadOnlyList<RecordedChunk> chunks, TraceRole side, long dropClientBytes = 0, long dropServerBytes = 0,
        Func<int, bool>? lose = null, int fd = 7)
    {
        var b = new SocketEventBuilder(sink, fd: fd) { Protocol = TrafficProtocol.Http2 };
        b.At(chunks.Count > 0 ? chunks[0].TimestampNs : 1_000_000_000);
        var midway = dropClientBytes > 0 || dropServerBytes > 0;
        if (midway)
        {
            b.Role = TraceRole.Unknown;
            b.StartAt(side == TraceRole.Client ? TrafficDirection.Send : TrafficDirection.Recv, (ulong)dropClientBytes);
            b.StartAt(side == TraceRole.Client ? TrafficDirection.Recv : TrafficDirection.Send, (ulong)dropServerBytes);
        }
        else
        {
            b.Open(side, side == TraceRole.Client ? "127.0.0.1:50000" : "127.0.0.1:8080", side == TraceRole.Client ? "127.0.0.1:8080" : "127.0.0.1:50000");
        }

        long clientPos = 0, serverPos = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            ref var pos = ref c.FromClient ? ref clientPos : ref serverPos;
            var drop = c.FromClient ? dropClientBytes : dropServerBytes;
            var start = pos;
            pos += c.Bytes.Length;
            if (pos <= drop)
            {
                continue;
            }

            var skip = (int)Math.Max(0, drop - start);
            b.At(Math.Max(b.Now, c.TimestampNs));
            var sent = c.FromClient == (side == TraceRole.Client);
            var dir = sent ? TrafficDirection.Send : TrafficDirection.Recv;
            if (lose?.Invoke(i) == true)
            {
                b.Lose(dir, (ulong)(c.Bytes.Length - skip));
                continue;
            }

            b.Data(dir, c.Bytes[skip..]);
            b.EndBatch();
        }

        b.Close();
        b.EndBatch();
    }
}

/// <summary>
/// Recorded connections saved as files (Corpus/*.h2): per chunk, 1 byte direction (1 = from the client),
/// 8 bytes timestamp (ns) and 4 bytes length, big-endian, then the bytes.
/// </summary>
internal static class Http2Corpus
{
    public static string Directory
    {
        get
        {
            var dir = new DirectoryInfo(NUnit.Framework.TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pixie.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? ".", "PixieHost.Tests", "Pem", "Protocols", "Http2", "Corpus");
        }
    }

    public static void Save(string name, IReadOnlyList<RecordedChunk> chunks)
    {
        using var f = File.Create(Path.Combine(Directory, name));
        Span<byte> head = stackalloc byte[13];
        foreach (var c in chunks)
        {
            head[0] = c.FromClient ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt64BigEndian(head[1..], c.TimestampNs);
            BinaryPrimitives.WriteInt32BigEndian(head[9..], c.Bytes.Length);
            f.Write(head);
            f.Write(c.Bytes);
        }
    }

    public static List<RecordedChunk> Load(string name)
    {
        var data = File.ReadAllBytes(Path.Combine(Directory, name));
        var chunks = new List<RecordedChunk>();
        var pos = 0;
        while (pos + 13 <= data.Length)
        {
            var len = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos + 9));
            chunks.Add(new RecordedChunk(data[pos] == 1, data.AsSpan(pos + 13, len).ToArray(), BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(pos + 1))));
            pos += 13 + len;
        }

        return chunks;
    }

    /// <summary>Every corpus file's name.</summary>
    public static string[] Names() => [.. System.IO.Directory.GetFiles(Directory, "*.h2").Select(Path.GetFileName).Order()!];

    public static byte[] Stream(IReadOnlyList<RecordedChunk> chunks, bool fromClient) =>
        [.. chunks.Where(c => c.FromClient == fromClient).SelectMany(c => c.Bytes)];
}
