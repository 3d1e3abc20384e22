using System.Runtime.CompilerServices;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols.Dns;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Dns;

/// <summary>Recording real dig ↔ dnsmasq traffic (UDP relay, TCP proxy), replaying it, and the committed corpus.</summary>
internal static class DnsTestSupport
{
    public static string CorpusDir([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "Corpus");

    public static async Task<IReadOnlyList<RecordedConnection>> RecordUdpAsync(int serverPort, Action<int> traffic)
    {
        await using var relay = new RecordingUdpRelay(serverPort);
        traffic(relay.Port);
        return relay.Connections;
    }

    public static async Task<IReadOnlyList<RecordedConnection>> RecordTcpAsync(int serverPort, Action<int> traffic)
    {
        await using var proxy = new RecordingTcpProxy(serverPort);
        traffic(proxy.Port);
        await proxy.WaitIdleAsync(TimeSpan.FromSeconds(20));
        return proxy.Connections;
    }

    /// <summary>A tracer with only <paramref name="handler"/>; <paramref name="feed"/> writes the events; returns dns_events rows.</summary>
    public static List<Dictionary<string, object?>> Rows(DnsHandler handler, Action<Tracer> feed)
    {
        var store = new TableStore();
        using var tracer = new Tracer(new SocketTracerOptions { Asid = 1 }, store, new FakeTracerEnvironment(), [handler]);
        feed(tracer);
        tracer.Flush();
        return TableRows.Read(store.Find("dns_events"));
    }

    public static List<Dictionary<string, object?>> UdpRows(RecordedConnection conn, TraceRole side, DnsHandler? handler = null) =>
        Rows(handler ?? new DnsHandler(), t => RecordingUdpRelay.ReplayDatagrams(conn, t, side));

    public static List<Dictionary<string, object?>> TcpRows(RecordedConnection conn, TraceRole side) =>
        Rows(new DnsHandler(), t => conn.Replay(t, side, TrafficProtocol.Dns));

    /// <summary>Writes datagrams (or TCP chunks) as [1 byte from-client][int32 length][bytes]; 2 ends a socket.</summary>
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

            w.Write((byte)2);
        }
    }

    /// <summary>Every recorded UDP datagram (udp*.bin), each a whole DNS message, with its direction.</summary>
    public static List<(bool FromClient, byte[] Bytes)> LoadDatagrams() => Load("udp*.bin");

    /// <summary>Every recorded TCP chunk (tcp*.bin).</summary>
    public static List<(bool FromClient, byte[] Bytes)> LoadTcpChunks() => Load("tcp*.bin");

    private static List<(bool, byte[])> Load(string pattern)
    {
        var list = new List<(bool, byte[])>();
        foreach (var f in Directory.GetFiles(CorpusDir(), pattern).Order())
        {
            using var r = new BinaryReader(File.OpenRead(f));
            while (r.BaseStream.Position < r.BaseStream.Length)
            {
                var dir = r.ReadByte();
                if (dir != 2)
                {
                    list.Add((dir == 1, r.ReadBytes(r.ReadInt32())));
                }
            }
        }

        return list;
    }
}
