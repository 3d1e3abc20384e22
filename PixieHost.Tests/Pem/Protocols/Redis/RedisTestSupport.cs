using System.Runtime.CompilerServices;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Redis;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Redis;

/// <summary>Recording real redis traffic, replaying it into a socket tracer, and the committed corpus.</summary>
internal static class RedisTestSupport
{
    public static string CorpusDir([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "Corpus");

    /// <summary>Runs <paramref name="traffic"/> against a recording proxy in front of <paramref name="serverPort"/>; returns the connections.</summary>
    public static async Task<IReadOnlyList<RecordedConnection>> RecordAsync(int serverPort, Action<int> traffic)
    {
        await using var proxy = new RecordingTcpProxy(serverPort);
        traffic(proxy.Port);
        await proxy.WaitIdleAsync(TimeSpan.FromSeconds(20));
        return proxy.Connections;
    }

    /// <summary>The redis_events rows a tracer writes for <paramref name="conn"/> seen from <paramref name="side"/>.</summary>
    public static List<Dictionary<string, object?>> Rows(RecordedConnection conn, TraceRole side, bool batchPerChunk = true)
    {
        var store = new TableStore();
        using var tracer = new Tracer(new SocketTracerOptions { Asid = 1 }, store, new FakeTracerEnvironment(), [new RedisHandler()]);
        conn.Replay(tracer, side, TrafficProtocol.Redis, batchPerChunk);
        tracer.Flush();
        return TableRows.Read(store.Find("redis_events"));
    }

    public static List<Dictionary<string, object?>> Rows(IEnumerable<RecordedConnection> conns, TraceRole side) =>
        [.. conns.SelectMany(c => Rows(c, side))];

    /// <summary>Writes connections as [1 byte from-client][int32 length][bytes] records.</summary>
    public static void SaveCorpus(string name, IEnumerable<RecordedConnection> conns)
    {
        Directory.CreateDirectory(CorpusDir());
        using var w = new BinaryWriter(File.Create(Path.Combine(CorpusDir(), name)));
        foreach (var c in conns)
        {
            foreach (var chunk in c.Chunks)
            {
                w.Write(chunk.FromClient);
                w.Write(chunk.Bytes.Length);
                w.Write(chunk.Bytes);
            }

            w.Write((byte)2); // connection separator
        }
    }

    /// <summary>Each corpus file's connections, as the client's and the server's byte streams.</summary>
    public static List<(byte[] Requests, byte[] Replies)> LoadCorpus()
    {
        var list = new List<(byte[], byte[])>();
        foreach (var f in Directory.GetFiles(CorpusDir(), "*.bin").Order())
        {
            using var r = new BinaryReader(File.OpenRead(f));
            var req = new MemoryStream();
            var resp = new MemoryStream();
            while (r.BaseStream.Position < r.BaseStream.Length)
            {
                var dir = r.ReadByte();
                if (dir == 2)
                {
                    list.Add((req.ToArray(), resp.ToArray()));
                    req = new MemoryStream();
                    resp = new MemoryStream();
                    continue;
                }

                var bytes = r.ReadBytes(r.ReadInt32());
                (dir == 1 ? req : resp).Write(bytes);
            }
        }

        return list;
    }
}
