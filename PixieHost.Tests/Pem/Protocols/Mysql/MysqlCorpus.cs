using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Mysql;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>
/// Recorded MySQL connections saved as files under Corpus/ (made by <see cref="MysqlHandlerTests"/> against the real
/// MariaDB server and clients, with PIXIE_WRITE_MYSQL_CORPUS set to that folder). Format per chunk: 1 byte
/// direction (1 = from the client), 8 bytes timestamp, 4 bytes length, the bytes; little-endian.
/// </summary>
public static class MysqlCorpus
{
    /// <summary>The Corpus folder beside this source file (the tests run from the repository they were built in).</summary>
    public static string Directory => Path.Combine(Path.GetDirectoryName(SourcePath())!, "Corpus");

    public static void Save(string path, IReadOnlyList<RecordedChunk> chunks)
    {
        using var f = File.Create(path);
        Span<byte> head = stackalloc byte[13];
        foreach (var c in chunks)
        {
            head[0] = c.FromClient ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt64LittleEndian(head[1..], c.TimestampNs);
            BinaryPrimitives.WriteInt32LittleEndian(head[9..], c.Bytes.Length);
            f.Write(head);
            f.Write(c.Bytes);
        }
    }

    public static List<RecordedChunk> Load(string path)
    {
        var data = File.ReadAllBytes(path);
        var chunks = new List<RecordedChunk>();
        var o = 0;
        while (data.Length - o >= 13)
        {
            var len = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(o + 9));
            chunks.Add(new RecordedChunk(data[o] == 1, data.AsSpan(o + 13, len).ToArray(), BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(o + 1))));
            o += 13 + len;
        }

        return chunks;
    }

    /// <summary>Every corpus file's chunks, by file name.</summary>
    public static Dictionary<string, List<RecordedChunk>> LoadAll() =>
        System.IO.Directory.GetFiles(Directory, "*.bin").OrderBy(p => p, StringComparer.Ordinal)
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), Load);

    private static string SourcePath([CallerFilePath] string path = "") => path;

    /// <summary>Feeds chunks into a fresh tracer with a MySQL handler as the process on <paramref name="side"/> saw them; returns the rows.</summary>
    public static List<Dictionary<string, object?>> Replay(IReadOnlyList<RecordedChunk> chunks, TraceRole side, out MysqlHandler handler,
        bool roleKnown = true, TableStore? store = null, int fd = 7)
    {
        store ??= new TableStore();
        handler = new MysqlHandler();
        using var tracer = new Tracer(new SocketTracerOptions { Asid = 3 }, store, new FakeTracerEnvironment(), [handler]);
        var b = new SocketEventBuilder(tracer, fd: fd) { Protocol = TrafficProtocol.Mysql };
        b.At(chunks.Count > 0 ? chunks[0].TimestampNs : 1_000_000_000);
        if (roleKnown)
        {
            b.Open(side, side == TraceRole.Client ? "127.0.0.1:40000" : "127.0.0.1:3306", side == TraceRole.Client ? "127.0.0.1:3306" : "127.0.0.1:40000");
        }
        else
        {
            b.Role = TraceRole.Unknown;
        }

        foreach (var c in chunks)
        {
            b.At(Math.Max(b.Now, c.TimestampNs));
            var sent = c.FromClient == (side == TraceRole.Client);
            b.Data(sent ? TrafficDirection.Send : TrafficDirection.Recv, c.Bytes);
            b.EndBatch();
        }

        b.Close();
        b.EndBatch();
        tracer.Flush();
        return TableRows.Read(store.Find("mysql_events"));
    }
}
