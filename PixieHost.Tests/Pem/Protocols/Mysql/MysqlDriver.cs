using PixieHost.Modules.Pem;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Mysql;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Mysql;

/// <summary>
/// Drives one <see cref="MysqlHandler"/> over one <see cref="ConnTracker"/> without a socket tracer, the way the
/// tracer calls it (add bytes, end the batch, Process): cheap enough for a million fuzz cases.
/// </summary>
public sealed class MysqlDriver : IDisposable
{
    private static readonly ProtocolContext Context = new(0, 1024, 512);
    private ulong _sendPos;
    private ulong _recvPos;

    public MysqlDriver(MysqlHandler handler, TraceRole side = TraceRole.Server, int capacityBytes = 1 << 20)
    {
        Handler = handler;
        Side = side;
        Conn = new ConnTracker(new ConnId { Tgid = 1, Fd = 3, Generation = 1 }, side, capacityBytes, 2);
        State = (MysqlConnection)handler.CreateConnection();
    }

    public MysqlHandler Handler { get; }

    public TraceRole Side { get; }

    public ConnTracker Conn { get; }

    public MysqlConnection State { get; }

    /// <summary>The last Process result.</summary>
    public ProtocolStatus Status { get; private set; } = ProtocolStatus.Ok;

    /// <summary>Adds bytes the client (or the server) wrote at <paramref name="tsNs"/>; only the first <paramref name="copied"/> are kept (the rest is a gap).</summary>
    public void Add(bool fromClient, ReadOnlySpan<byte> bytes, ulong tsNs, int? copied = null)
    {
        var sent = fromClient == (Side == TraceRole.Client);
        var stream = sent ? Conn.Send : Conn.Recv;
        ref var pos = ref sent ? ref _sendPos : ref _recvPos;
        var n = Math.Min(bytes.Length, copied ?? bytes.Length);
        stream.Add(pos, (uint)bytes.Length, bytes[..n], tsNs);
        pos += (ulong)bytes.Length;
    }

    /// <summary>Loses <paramref name="bytes"/> of one direction: the next bytes land further on.</summary>
    public void Lose(bool fromClient, ulong bytes)
    {
        var sent = fromClient == (Side == TraceRole.Client);
        if (sent)
        {
            _sendPos += bytes;
        }
        else
        {
            _recvPos += bytes;
        }
    }

    /// <summary>Ends a batch: holes age, the handler parses.</summary>
    public ProtocolStatus Process()
    {
        Conn.Send.EndBatch();
        Conn.Recv.EndBatch();
        if (Status == ProtocolStatus.Ok)
        {
            Status = Handler.Process(Conn, State, Context);
        }

        return Status;
    }

    public void Close()
    {
        Conn.MarkClosed();
        Process();
        Handler.OnClosed(State);
    }

    /// <summary>The rows written so far, as dictionaries (cold).</summary>
    public List<Dictionary<string, object?>> TakeRows()
    {
        var table = new Table(PemSchemas.MysqlEvents, 64L << 20);
        foreach (var b in Handler.TakeBatches())
        {
            table.Append(b);
        }

        return TableRows.Read(table);
    }

    /// <summary>Feeds recorded chunks, one batch each, then closes.</summary>
    public static List<Dictionary<string, object?>> Run(IReadOnlyList<RecordedChunk> chunks, TraceRole side, out MysqlHandler handler)
    {
        handler = new MysqlHandler();
        using var d = new MysqlDriver(handler, side);
        foreach (var c in chunks)
        {
            d.Add(c.FromClient, c.Bytes, c.TimestampNs);
            d.Process();
        }

        d.Close();
        return d.TakeRows();
    }

    public void Dispose()
    {
        State.Dispose();
        Conn.Dispose();
    }
}
