using Microsoft.Extensions.Options;
using PixieHost.Modules.Rpc;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>How a pem or kelvin process finds the metadata service and presents itself to it (configuration section <c>Agent</c>).</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Default <see cref="ListenAddress"/> of a pem (its fragment service).</summary>
    public const string DefaultPemListenAddress = "127.0.0.1:50500";

    /// <summary>Default <see cref="ListenAddress"/> of a kelvin (Pixie's kelvin port).</summary>
    public const string DefaultKelvinListenAddress = "127.0.0.1:59300";

    /// <summary>
    /// <c>host:port</c> of the metadata service (a host name is fine, e.g. <c>vizier-metadata:50400</c>). Default
    /// <c>127.0.0.1:50400</c>. Ignored when the metadata role runs in the same process: agents then use its registry directly.
    /// </summary>
    public string MetadataAddress { get; set; } = MetadataServiceOptions.DefaultListenAddress;

    /// <summary>
    /// Address this agent's internal RPC services listen on, <c>ip:port</c>. Default (empty): <c>127.0.0.1:50500</c>
    /// for a pem (px.internal.PemService), <c>127.0.0.1:59300</c> for a kelvin (px.internal.KelvinService).
    /// </summary>
    public string ListenAddress { get; set; } = string.Empty;

    /// <summary><see cref="ListenAddress"/>, or the default of <paramref name="kind"/>.</summary>
    public string ListenAddressFor(AgentKind kind) =>
        ListenAddress.Trim() is { Length: > 0 } configured ? configured : kind == AgentKind.Kelvin ? DefaultKelvinListenAddress : DefaultPemListenAddress;

    /// <summary>
    /// <c>host:port</c> the query broker and kelvin should dial to reach this agent, when it differs from
    /// <see cref="ListenAddress"/> (NAT, a pod IP, a 0.0.0.0 listener). Default (empty): <see cref="ListenAddress"/>,
    /// with 0.0.0.0 / [::] replaced by this host's first IPv4 address.
    /// </summary>
    public string AdvertiseAddress { get; set; } = string.Empty;

    /// <summary>
    /// Time between heartbeats (<c>00:00:05</c>); also the retry period while the metadata service is unreachable.
    /// Default (unset): <c>MetadataService:HeartbeatInterval</c> of this configuration, else 5 s. At least 50 ms.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>Deadline of one Register / Heartbeat / ListAgents call, retries included. Default 5 s.</summary>
    public TimeSpan RpcTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><see cref="HeartbeatInterval"/>, or 5 s.</summary>
    public TimeSpan EffectiveHeartbeatInterval => HeartbeatInterval ?? TimeSpan.FromSeconds(5);
}

/// <summary>Checks <see cref="AgentOptions"/> at start-up.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    private const string S = AgentOptions.Section;

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        if (!IsHostPort(options.MetadataAddress))
        {
            errors.Add($"{S}:{nameof(options.MetadataAddress)} = '{options.MetadataAddress}' is not host:port. Example: 127.0.0.1:50400 or vizier-metadata:50400.");
        }

        try
        {
            if (options.ListenAddress.Trim().Length > 0)
            {
                RpcKestrelExtensions.ParseEndpoint(options.ListenAddress);
            }
        }
        catch (FormatException e)
        {
            errors.Add($"{S}:{nameof(options.ListenAddress)}: {e.Message}");
        }

        if (options.AdvertiseAddress.Length > 0 && !IsHostPort(options.AdvertiseAddress))
        {
            errors.Add($"{S}:{nameof(options.AdvertiseAddress)} = '{options.AdvertiseAddress}' is not host:port. Example: 10.0.0.7:50500; leave it empty to advertise {S}:{nameof(options.ListenAddress)}.");
        }

        if (options.EffectiveHeartbeatInterval < TimeSpan.FromMilliseconds(50) || options.EffectiveHeartbeatInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:{nameof(options.HeartbeatInterval)} = {options.EffectiveHeartbeatInterval} is out of range: give a time span between 00:00:00.050 and 00:10:00 (default 00:00:05).");
        }

        if (options.RpcTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{S}:{nameof(options.RpcTimeout)} must be positive (default 00:00:05).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Whether <paramref name="address"/> is <c>host:port</c> with a host name or IP literal and a port 1-65535.</summary>
    internal static bool IsHostPort(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = address[..colon];
        host = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return Uri.CheckHostName(host) != UriHostNameType.Unknown;
    }
}
