using System.Net;

namespace PixieHost.Modules.Kubernetes;

/// <summary>The API server answered with an error status (HTTP status or a watch ERROR event).</summary>
public sealed class KubeApiException(HttpStatusCode status, string message, string reason = "") : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = status;

    /// <summary>The Status object's reason ("Expired", "Gone", "Forbidden", ...).</summary>
    public string Reason { get; } = reason;

    /// <summary>410: the resource version asked for is older than the server keeps; the caller must relist.</summary>
    public bool IsGone => StatusCode == HttpStatusCode.Gone;

    /// <summary>Worth retrying after a pause: throttling and server-side failures, not client mistakes.</summary>
    public bool IsTransient => StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
}
