using System.Net.Security;

namespace PixieHost.Client;

/// <summary>Settings of a <see cref="PixieClient"/>.</summary>
public sealed class PixieClientOptions
{
    /// <summary>Deadline of each call (sent as <c>grpc-timeout</c> and enforced here); null, the default, means none.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// TLS on (<c>https</c>) or off (cleartext HTTP/2, what <c>pixie serve</c> speaks inside a cluster). Null, the default,
    /// follows the address: <c>https://</c> means TLS, <c>http://</c> or no scheme means cleartext.
    /// </summary>
    public bool? UseTls { get; set; }

    /// <summary>Checks the server's certificate under TLS; null uses the system's trust store.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>Sent as <c>authorization: bearer TOKEN</c> on every call (Pixie Cloud's user tokens).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Sent as the <c>pixie-api-key</c> header on every call (Pixie Cloud's API keys).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Sent as <c>cluster_id</c> in every request, for a cloud that routes to several clusters; optional.</summary>
    public string? ClusterId { get; set; }

    /// <summary>Extra request headers (gRPC metadata) on every call.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; set; }

    /// <summary>Largest response message accepted, in bytes (default 4 MiB, as gRPC's).</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;
}
