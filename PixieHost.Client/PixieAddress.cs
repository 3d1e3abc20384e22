namespace PixieHost.Client;

/// <summary>Parses query API addresses and builds the per-call headers.</summary>
internal static class PixieAddress
{
    /// <summary>Pixie's query broker port, used when an address names none.</summary>
    public const int DefaultPort = 50300;

    public static Uri Parse(string address, bool? useTls)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var text = address.Trim();
        var hasScheme = text.Contains("://", StringComparison.Ordinal);
        if (!hasScheme)
        {
            text = (useTls == true ? "https://" : "http://") + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new ArgumentException(
                $"'{address}' is not a query API address. Use host:port, http://host:port or https://host:port, e.g. 127.0.0.1:{DefaultPort}.", nameof(address));
        }

        var tls = uri.Scheme == "https";
        if (useTls is { } wanted && hasScheme && wanted != tls)
        {
            throw new ArgumentException(
                $"'{address}' says {uri.Scheme} but PixieClientOptions.UseTls is {wanted}: drop the scheme or make them agree.", nameof(address));
        }

        var builder = new UriBuilder(uri.Scheme, uri.Host, HasPort(text) ? uri.Port : DefaultPort);
        return builder.Uri;
    }

    public static IReadOnlyDictionary<string, string>? Headers(PixieClientOptions options)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in options.Headers ?? new Dictionary<string, string>())
        {
            headers[name] = value;
        }

        if (!string.IsNullOrEmpty(options.BearerToken))
        {
            headers["authorization"] = $"bearer {options.BearerToken}";
        }

        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            headers["pixie-api-key"] = options.ApiKey;
        }

        return headers.Count == 0 ? null : headers;
    }

    /// <summary>True when the authority part of <paramref name="url"/> ends in <c>:digits</c> (an IPv6 literal's colons do not count).</summary>
    private static bool HasPort(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        var colon = authority.LastIndexOf(':');
        return colon > authority.LastIndexOf(']') && colon < authority.Length - 1;
    }
}
