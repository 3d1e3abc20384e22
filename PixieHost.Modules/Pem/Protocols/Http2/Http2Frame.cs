namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>HTTP/2 frame types (RFC 9113 section 6).</summary>
public enum Http2FrameType : byte
{
    Data = 0,
    Headers = 1,
    Priority = 2,
    RstStream = 3,
    Settings = 4,
    PushPromise = 5,
    Ping = 6,
    GoAway = 7,
    WindowUpdate = 8,
    Continuation = 9,
}

/// <summary>Flag bits of the frame header (their meaning depends on the type).</summary>
public static class Http2Flags
{
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}

/// <summary>The 9-byte frame header: 24-bit length, type, flags, 31-bit stream id.</summary>
public readonly record struct Http2FrameHeader(int Length, Http2FrameType Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    public bool Has(byte flag) => (Flags & flag) != 0;

    public bool EndStream => Type is Http2FrameType.Data or Http2FrameType.Headers && Has(Http2Flags.EndStream);

    public bool EndHeaders => Has(Http2Flags.EndHeaders);
}
