namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>
/// One PostgreSQL wire message (protocol 3.0) as it sits in a stream: its type byte (0 for the untyped startup
/// packet, SSLRequest, GSSENCRequest and CancelRequest), the length it declares (the whole message, type byte
/// included) and the payload bytes held (all of them unless <see cref="Truncated"/>). The payload points into the
/// stream: it is valid until the stream is consumed. The server's one-byte answer to an SSLRequest ('S', 'N', 'G')
/// is a message of <see cref="Length"/> 1 whose tag is that byte.
/// </summary>
public readonly ref struct PgsqlMessage
{
    public PgsqlMessage(byte tag, long length, ReadOnlySpan<byte> payload, bool truncated)
    {
        Tag = tag;
        Length = length;
        Payload = payload;
        Truncated = truncated;
    }

    /// <summary>The type byte; 0 for a startup-phase packet (its code is the first 4 payload bytes).</summary>
    public byte Tag { get; }

    /// <summary>Bytes of the whole message on the wire, type byte included.</summary>
    public long Length { get; }

    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The message was longer than the parser keeps; <see cref="Payload"/> is its beginning.</summary>
    public bool Truncated { get; }
}

/// <summary>Type bytes of the messages the parser knows (protocol 3.0, PostgreSQL docs "Message Formats").</summary>
public static class PgsqlTag
{
    // Frontend.
    public const byte Query = (byte)'Q';
    public const byte Parse = (byte)'P';
    public const byte Bind = (byte)'B';
    public const byte Execute = (byte)'E';
    public const byte Describe = (byte)'D';
    public const byte Sync = (byte)'S';
    public const byte Close = (byte)'C';
    public const byte Flush = (byte)'H';
    public const byte Terminate = (byte)'X';
    public const byte Password = (byte)'p';
    public const byte FunctionCall = (byte)'F';
    public const byte CopyFail = (byte)'f';

    // Both directions.
    public const byte CopyData = (byte)'d';
    public const byte CopyDone = (byte)'c';

    // Backend.
    public const byte Authentication = (byte)'R';
    public const byte ParameterStatus = (byte)'S';
    public const byte BackendKeyData = (byte)'K';
    public const byte ReadyForQuery = (byte)'Z';
    public const byte RowDescription = (byte)'T';
    public const byte DataRow = (byte)'D';
    public const byte CommandComplete = (byte)'C';
    public const byte ErrorResponse = (byte)'E';
    public const byte NoticeResponse = (byte)'N';
    public const byte NotificationResponse = (byte)'A';
    public const byte ParseComplete = (byte)'1';
    public const byte BindComplete = (byte)'2';
    public const byte CloseComplete = (byte)'3';
    public const byte ParameterDescription = (byte)'t';
    public const byte NoData = (byte)'n';
    public const byte EmptyQueryResponse = (byte)'I';
    public const byte PortalSuspended = (byte)'s';
    public const byte FunctionCallResponse = (byte)'V';
    public const byte CopyInResponse = (byte)'G';
    public const byte CopyOutResponse = (byte)'H';
    public const byte CopyBothResponse = (byte)'W';
    public const byte NegotiateProtocolVersion = (byte)'v';

    /// <summary>Startup packet codes (the int32 after the length).</summary>
    public const int ProtocolVersion3 = 196608;
    public const int SslRequestCode = 80877103;
    public const int GssEncRequestCode = 80877104;
    public const int CancelRequestCode = 80877102;

    /// <summary>A type byte only a client sends.</summary>
    public static bool IsFrontendOnly(byte tag) => tag is Query or Parse or Bind or Password or Terminate or FunctionCall or CopyFail;

    /// <summary>A type byte only a server sends.</summary>
    public static bool IsBackendOnly(byte tag) => tag is Authentication or BackendKeyData or ReadyForQuery or RowDescription
        or ParseComplete or BindComplete or CloseComplete or ParameterDescription or NoData or EmptyQueryResponse
        or PortalSuspended or FunctionCallResponse or NotificationResponse or CopyInResponse or CopyBothResponse or NegotiateProtocolVersion;

    public static bool IsFrontend(byte tag) => IsFrontendOnly(tag) || tag is Execute or Describe or Sync or Close or Flush or CopyData or CopyDone;

    public static bool IsBackend(byte tag) => IsBackendOnly(tag) || tag is ParameterStatus or DataRow or CommandComplete or ErrorResponse
        or NoticeResponse or CopyOutResponse or CopyData or CopyDone;

    /// <summary>The exact length a message of this type declares, or -1 when it varies.</summary>
    public static int FixedLength(byte tag, bool frontend) => frontend
        ? tag is Sync or Flush or Terminate or CopyDone ? 4 : -1
        : tag switch
        {
            ReadyForQuery => 5,
            BackendKeyData => 12,
            ParseComplete or BindComplete or CloseComplete or NoData or EmptyQueryResponse or PortalSuspended or CopyDone => 4,
            _ => -1,
        };
}
