using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Pgsql;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Benchmarks.Pem;

/// <summary>
/// PostgreSQL: framing a pgbench-like server stream, and the handler over one pgbench transaction per iteration
/// (7 simple queries and their responses, as pgbench's default script sends them) on a long-lived connection.
/// </summary>
[MemoryDiagnoser]
public class PgsqlBenchmarks
{
    private static readonly string[] Transaction =
    [
        "BEGIN;", "UPDATE pgbench_accounts SET abalance = abalance + 4031 WHERE aid = 15103;",
        "SELECT abalance FROM pgbench_accounts WHERE aid = 15103;", "UPDATE pgbench_tellers SET tbalance = tbalance + 4031 WHERE tid = 4;",
        "UPDATE pgbench_branches SET bbalance = bbalance + 4031 WHERE bid = 1;",
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (4, 1, 15103, 4031, CURRENT_TIMESTAMP);", "END;",
    ];

    private static readonly string[] Tags = ["BEGIN", "UPDATE 1", "SELECT 1", "UPDATE 1", "UPDATE 1", "INSERT 0 1", "COMMIT"];

    private readonly PgsqlHandler _handler = new();
    private readonly ProtocolContext _context = new(0, 1024, 512);
    private byte[][] _requests = [];
    private byte[][] _responses = [];
    private byte[] _serverStream = [];
    private ConnTracker _conn = null!;
    private ProtocolConnection _state = null!;
    private ulong _reqPos;
    private ulong _respPos;
    private ulong _ts = 1_000;

    [GlobalSetup]
    public void Setup()
    {
        _requests = [.. Transaction.Select(q => Msg('Q', [.. Encoding.ASCII.GetBytes(q), 0]))];
        _responses = [.. Tags.Select((t, i) => i == 2
            ? Cat(Msg('T', [0, 1, .. Encoding.ASCII.GetBytes("abalance"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 4, 255, 255, 255, 255, 0, 0]),
                Msg('D', [0, 1, 0, 0, 0, 4, .. Encoding.ASCII.GetBytes("4031")]), Msg('C', [.. Encoding.ASCII.GetBytes(t), 0]), Msg('Z', [(byte)'T']))
            : Cat(Msg('C', [.. Encoding.ASCII.GetBytes(t), 0]), Msg('Z', [(byte)'T'])))];
        _serverStream = Cat([.. Enumerable.Repeat(_responses, 100).SelectMany(r => r)]);
        _conn = new ConnTracker(new ConnId { Tgid = 1, Fd = 3, Generation = 1 }, TraceRole.Server, 1 << 20, 2);
        _state = _handler.CreateConnection();
    }

    /// <summary>Frames 700 backend messages; bytes per op: the stream length.</summary>
    [Benchmark]
    public int FrameServerStream()
    {
        var pos = 0;
        var n = 0;
        while (PgsqlParser.TryParse(_serverStream.AsSpan(pos), false, 65536, out _, out var used) == OperationStatus.Done)
        {
            pos += used;
            n++;
        }

        return n;
    }

    /// <summary>One transaction: 7 rows written; batches are taken every 1000 transactions.</summary>
    [Benchmark]
    public int HandlerTransaction()
    {
        for (var i = 0; i < _requests.Length; i++)
        {
            _conn.Recv.Add(_reqPos, (uint)_requests[i].Length, _requests[i], _ts);
            _reqPos += (ulong)_requests[i].Length;
            _conn.Send.Add(_respPos, (uint)_responses[i].Length, _responses[i], _ts + 50_000);
            _respPos += (ulong)_responses[i].Length;
            _ts += 100_000;
        }

        _conn.Recv.EndBatch();
        _conn.Send.EndBatch();
        _handler.Process(_conn, _state, _context);
        if (_handler.RowCount >= 7000)
        {
            _handler.TakeBatches();
        }

        return _handler.RowCount;
    }

    private static byte[] Msg(char tag, byte[] payload)
    {
        var m = new byte[payload.Length + 5];
        m[0] = (byte)tag;
        BinaryPrimitives.WriteInt32BigEndian(m.AsSpan(1), payload.Length + 4);
        payload.CopyTo(m, 5);
        return m;
    }

    private static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
