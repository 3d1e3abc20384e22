namespace PixieHost.Modules.Pem.Ebpf;

/// <summary>Reads one ring record in place and hands it to the sink by event type.</summary>
internal static unsafe class EventDispatcher
{
    /// <summary>Dispatches the record; returns false for a record too short for its type or of an unknown type.</summary>
    public static bool Dispatch(ISocketEventSink sink, void* data, nuint size)
    {
        if (size < (nuint)sizeof(EventHeader))
        {
            return false;
        }

        switch (((EventHeader*)data)->Type)
        {
            case SocketEventType.Open:
            case SocketEventType.Close:
                if (size < (nuint)sizeof(SocketControlEvent))
                {
                    return false;
                }

                sink.OnControl(in *(SocketControlEvent*)data);
                return true;
            case SocketEventType.Data:
                if (size < (nuint)sizeof(SocketDataEvent))
                {
                    return false;
                }

                var ev = (SocketDataEvent*)data;
                nuint available = size - (nuint)sizeof(SocketDataEvent);
                int length = (int)Math.Min(ev->DataSize, available);
                sink.OnData(in *ev, new ReadOnlySpan<byte>((byte*)data + sizeof(SocketDataEvent), length));
                return true;
            default:
                return false;
        }
    }
}
