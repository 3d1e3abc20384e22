namespace PixieHost.Modules.Rpc;

/// <summary>Header names, content types and limits of the gRPC-over-HTTP/2 protocol.</summary>
#if PIXIE_CLIENT_SDK
internal static class GrpcProtocol
#else
public static class GrpcProtocol
#endif
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";

    /// <summary>Length-prefixed message header: 1 byte compressed flag + 4 bytes big-endian length.</summary>
    public const int HeaderSize = 5;

    /// <summary>Default largest message accepted, as in gRPC implementations (4 MiB).</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// True for <c>application/grpc</c>, <c>application/grpc+proto</c> and <c>application/grpc;...</c>;
    /// other <c>+codec</c> suffixes are refused because only protobuf is spoken here.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        return rest.IsEmpty
            || rest[0] == ';'
            || rest.StartsWith("+proto", StringComparison.OrdinalIgnoreCase) && (rest.Length == 6 || rest[6] == ';');
    }
}
