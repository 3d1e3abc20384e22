using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Tests.Pem.Ebpf;

/// <summary>A data event with its payload copied out of the ring.</summary>
internal sealed record DataRecord(SocketDataEvent Event, byte[] Payload)
{
    public string Text => System.Text.Encoding.Latin1.GetString(Payload);
}

/// <summary>Keeps every event the probe delivers, for assertions.</summary>
internal sealed class RecordingSink : ISocketEventSink
{
    public List<SocketControlEvent> Controls { get; } = [];

    public List<DataRecord> Data { get; } = [];

    public int Batches { get; private set; }

    public void OnControl(in SocketControlEvent ev) => Controls.Add(ev);

    public void OnData(in SocketDataEvent ev, ReadOnlySpan<byte> payload) => Data.Add(new DataRecord(ev, payload.ToArray()));

    public void OnBatchEnd() => Batches++;

    public IEnumerable<SocketControlEvent> Opens(uint tgid) =>
        Controls.Where(c => c.Hdr.Type == SocketEventType.Open && c.Hdr.Conn.Tgid == tgid);

    public IEnumerable<SocketControlEvent> Closes(uint tgid) =>
        Controls.Where(c => c.Hdr.Type == SocketEventType.Close && c.Hdr.Conn.Tgid == tgid);

    public IEnumerable<DataRecord> DataOf(ConnId conn) => Data.Where(d => d.Event.Hdr.Conn.Equals(conn));

    public IEnumerable<DataRecord> DataOf(uint tgid) => Data.Where(d => d.Event.Hdr.Conn.Tgid == tgid);
}
