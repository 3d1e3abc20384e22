using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.Protocols;
using PixieHost.Modules.Pem.Protocols.Pgsql;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

/// <summary>One server-side connection fed straight into a <see cref="PgsqlHandler"/>, without a socket tracer.</summary>
internal sealed class PgsqlHarness : IDisposable
{
    private ulong _reqPos;
    private ulong _respPos;

    public PgsqlHarness(int streamCapacity = 1 << 20, int maxStringBytes = 1024)
    {
        Tracker = new ConnTracker(new ConnId { Tgid = 1, Fd = 3, Generation = 1 }, TraceRole.Server, streamCapacity, 2);
        State = (PgsqlConnection)Handler.CreateConnection();
        Context = new ProtocolContext(0, maxStringBytes, 512);
    }

    public PgsqlHandler Handler { get; } = new();

    public ConnTracker Tracker { get; }

    public PgsqlConnection State { get; }

    public ProtocolContext Context { get; }

    public ulong Now { get; set; } = 1_000_000;

    public PgsqlHarness Req(params byte[][] msgs)
    {
        foreach (var m in msgs)
        {
            Tracker.Recv.Add(_reqPos, (uint)m.Length, m, Now);
            _reqPos += (ulong)m.Length;
            Now += 1_000;
        }

        return this;
    }

    public PgsqlHarness Resp(params byte[][] msgs)
    {
        foreach (var m in msgs)
        {
            Tracker.Send.Add(_respPos, (uint)m.Length, m, Now);
            _respPos += (ulong)m.Length;
            Now += 1_000;
        }

        return this;
    }

    /// <summary>Bytes of the request stream that were never captured (a gap).</summary>
    public PgsqlHarness LoseResp(int bytes)
    {
        _respPos += (ulong)bytes;
        return this;
    }

    public ProtocolStatus Process()
    {
        Tracker.Recv.EndBatch();
        Tracker.Send.EndBatch();
        return Handler.Process(Tracker, State, Context);
    }

    /// <summary>Processes and returns the rows written so far as name → value.</summary>
    public List<Dictionary<string, object?>> Rows()
    {
        Process();
        var rows = new List<Dictionary<string, object?>>();
        foreach (var batch in Handler.TakeBatches())
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var c = 0; c < batch.Columns.Count; c++)
                {
                    row[batch.Schema[c].Name] = batch[c].GetValue(r);
                }

                rows.Add(row);
            }
        }

        return rows;
    }

    public void Dispose() => Tracker.Dispose();
}
