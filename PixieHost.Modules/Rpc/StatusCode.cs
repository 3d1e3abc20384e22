// PixieHost.Client compiles this file too: there it is the SDK's public status code (PixieException.Status).
#if PIXIE_CLIENT_SDK
namespace PixieHost.Client;
#else
namespace PixieHost.Modules.Rpc;
#endif

/// <summary>gRPC status codes; the numbers are the wire values of <c>grpc-status</c>.</summary>
public enum StatusCode
{
    OK = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}
