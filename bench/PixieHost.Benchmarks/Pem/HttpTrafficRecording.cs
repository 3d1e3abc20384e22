using System.Text;
using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Benchmarks.Pem;

/// <summary>
/// A synthesized recording of socket events: keep-alive HTTP/1.1 connections of curl requests answered by
/// nginx <c>return 200 "ok"</c>, server side, as open / recv / send / … / close events with a batch end every
/// <see cref="EventsPerBatch"/> events (one ring-buffer poll). Replaying it costs only the sink's work.
/// </summary>
public sealed class HttpTrafficRecording
{
    public const int EventsPerBatch = 64;

    public const string Request = "GET /index.html HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

    public const string Response =
        "HTTP/1.1 200 OK\r\nServer: nginx/1.25.3\r\nDate: Sat, 21 Nov 2026 12:00:00 GMT\r\nContent-Type: text/plain\r\n" +
        "Content-Length: 2\r\nConnection: keep-alive\r\n\r\nok";

    private readonly List<Event> _events = [];
    private readonly byte[] _request = Encoding.ASCII.GetBytes(Request);
    private readonly byte[] _response = Encoding.ASCII.GetBytes(Response);

    public HttpTrafficRecording(int pairs, int connections)
    {
        Pairs = pairs;
        ulong ts = 1_000_000_000;
        var sendPos = new ulong[connections];
        var recvPos = new ulong[connections];
        for (var c = 0; c < connections; c++)
        {
            _events.Add(Control(SocketEventType.Open, c, ts += 100));
        }

        for (var i = 0; i < pairs; i++)
        {
            var c = i % connections;
            _events.Add(Data(c, TrafficDirection.Recv, ref recvPos[c], _request.Length, ts += 1_000));
            _events.Add(Data(c, TrafficDirection.Send, ref sendPos[c], _response.Length, ts += 20_000));
        }

        for (var c = 0; c < connections; c++)
        {
            _events.Add(Control(SocketEventType.Close, c, ts += 100));
        }
    }

    public int Pairs { get; }

    public int EventCount => _events.Count;

    public void Replay(ISocketEventSink sink)
    {
        var n = 0;
        foreach (var e in _events)
        {
            if (e.IsControl)
            {
                sink.OnControl(e.Control);
            }
            else
            {
                sink.OnData(e.Data, e.Data.Direction == TrafficDirection.Recv ? _request : _response);
            }

            if (++n % EventsPerBatch == 0)
            {
                sink.OnBatchEnd();
            }
        }

        sink.OnBatchEnd();
    }

    private static ConnId Conn(int c) => new() { Tgid = 1000, Fd = 10 + c, Generation = 1 };

    private static unsafe Event Control(SocketEventType type, int c, ulong ts)
    {
        var ev = new SocketControlEvent
        {
            Hdr = new EventHeader { TsNs = ts, Type = type, Role = TraceRole.Server, Conn = Conn(c) },
            Local = new SockAddr { Family = 2, Port = 80 },
            Remote = new SockAddr { Family = 2, Port = (ushort)(40000 + c) },
        };
        ev.Local.Addr[0] = 127;
        ev.Local.Addr[3] = 1;
        ev.Remote.Addr[0] = 127;
        ev.Remote.Addr[3] = 1;
        return new Event { IsControl = true, Control = ev };
    }

    private static Event Data(int c, TrafficDirection dir, ref ulong pos, int size, ulong ts)
    {
        var ev = new SocketDataEvent
        {
            Hdr = new EventHeader { TsNs = ts, Type = SocketEventType.Data, Role = TraceRole.Server, Conn = Conn(c) },
            Position = pos,
            MsgSize = (uint)size,
            DataSize = (uint)size,
            Direction = dir,
            Protocol = TrafficProtocol.Http,
        };
        pos += (ulong)size;
        return new Event { Data = ev };
    }

    private struct Event
    {
        public bool IsControl;
        public SocketControlEvent Control;
        public SocketDataEvent Data;
    }
}
