using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;

namespace PixieHost.Tests.Pem.Ebpf;

[TestFixture]
public sealed unsafe class EventDispatcherTests
{
    [Test]
    public void Dispatch_DataRecord_PassesHeaderAndPayload()
    {
        var ev = new SocketDataEvent { Hdr = { Type = SocketEventType.Data, Conn = { Tgid = 7, Fd = 3 } }, Position = 10, MsgSize = 4, DataSize = 4 };
        byte[] record = Record(ev, "GET "u8);
        var sink = new RecordingSink();

        Dispatch(sink, record).Should().BeTrue();

        var data = sink.Data.Should().ContainSingle().Subject;
        data.Text.Should().Be("GET ");
        data.Event.Position.Should().Be(10);
        data.Event.Hdr.Conn.Tgid.Should().Be(7);
    }

    [Test]
    public void Dispatch_DataSizeBeyondRecord_ClampsPayloadToRecord()
    {
        var ev = new SocketDataEvent { Hdr = { Type = SocketEventType.Data }, MsgSize = 100, DataSize = 100 };
        var sink = new RecordingSink();

        Dispatch(sink, Record(ev, "ab"u8)).Should().BeTrue();

        sink.Data.Single().Payload.Should().Equal("ab"u8.ToArray());
    }

    [Test]
    public void Dispatch_ControlRecord_PassesEvent()
    {
        var ev = new SocketControlEvent { Hdr = { Type = SocketEventType.Close, Role = TraceRole.Server }, BytesSent = 5, BytesRecv = 6 };
        var sink = new RecordingSink();

        Dispatch(sink, Record(ev, default)).Should().BeTrue();

        sink.Controls.Should().ContainSingle().Which.BytesRecv.Should().Be(6);
    }

    [Test]
    public void Dispatch_TruncatedOrUnknownRecord_IsSkipped()
    {
        var sink = new RecordingSink();
        var control = new SocketControlEvent { Hdr = { Type = SocketEventType.Open } };
        var unknown = new EventHeader { Type = (SocketEventType)99 };

        Dispatch(sink, Record(control, default)[..40]).Should().BeFalse();
        Dispatch(sink, Record(unknown, default)).Should().BeFalse();
        Dispatch(sink, new byte[4]).Should().BeFalse();

        sink.Controls.Should().BeEmpty();
        sink.Data.Should().BeEmpty();
    }

    private static bool Dispatch(RecordingSink sink, byte[] record)
    {
        fixed (byte* p = record)
        {
            return EventDispatcher.Dispatch(sink, p, (nuint)record.Length);
        }
    }

    private static byte[] Record<T>(T header, ReadOnlySpan<byte> payload)
        where T : unmanaged
    {
        var record = new byte[sizeof(T) + payload.Length];
        MemoryMarshal.Write(record, in header);
        payload.CopyTo(record.AsSpan(sizeof(T)));
        return record;
    }
}
