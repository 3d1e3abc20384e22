using Microsoft.Extensions.Options;
using PixieHost.Modules.Rpc;

namespace PixieHost.Modules.Metadata.Agents;

/// <summary>Settings of the metadata role's agent registry and its gRPC service (configuration section <c>MetadataService</c>).</summary>
public sealed class MetadataServiceOptions
{
    public const string Section = "MetadataService";

    /// <summary>Pixie's metadata service port on loopback: the default of <see cref="ListenAddress"/>.</summary>
    public const string DefaultListenAddress = "127.0.0.1:50400";

    /// <summary>
    /// Address of <c>px.internal.metadatapb.MetadataService</c> (cleartext HTTP/2), <c>ip:port</c>. Default
    /// <c>127.0.0.1:50400</c>; set <c>0.0.0.0:50400</c> so agents on other hosts can register.
    /// </summary>
    public string ListenAddress { get; set; } = DefaultListenAddress;

    /// <summary>
    /// How often agents are expected to heartbeat, as a time span (<c>00:00:05</c>). Default 5 s; at least 50 ms
    /// (tests use ~200 ms). Only the defaults of <see cref="UnhealthyAfter"/> and the sweep follow it: agents have
    /// their own <c>Agent:HeartbeatInterval</c>, which defaults to this value when both roles share a configuration.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An agent whose last heartbeat is older than this is AGENT_STATE_UNRESPONSIVE: still listed, left out of query
    /// plans. Default (unset): 3 × <see cref="HeartbeatInterval"/>. Must exceed the heartbeat interval.
    /// </summary>
    public TimeSpan? UnhealthyAfter { get; set; }

    /// <summary>An agent silent for longer than this is removed from the registry. Default 1 min; must exceed the unhealthy threshold.</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><see cref="UnhealthyAfter"/>, or its default 3 × <see cref="HeartbeatInterval"/>.</summary>
    public TimeSpan EffectiveUnhealthyAfter => UnhealthyAfter ?? 3 * HeartbeatInterval;
}

/// <summary>Checks <see cref="MetadataServiceOptions"/> at start-up; every message names the setting to change.</summary>
public sealed class MetadataServiceOptionsValidator : IValidateOptions<MetadataServiceOptions>
{
    private const string S = MetadataServiceOptions.Section;

    public ValidateOptionsResult Validate(string? name, MetadataServiceOptions options)
    {
        var errors = new List<string>();
        try
        {
            RpcKestrelExtensions.ParseEndpoint(options.ListenAddress);
        }
        catch (FormatException e)
        {
            errors.Add($"{S}:{nameof(options.ListenAddress)}: {e.Message}");
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(50) || options.HeartbeatInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{S}:{nameof(options.HeartbeatInterval)} = {options.HeartbeatInterval} is out of range: give a time span between 00:00:00.050 and 00:10:00 (default 00:00:05).");
        }

        if (options.EffectiveUnhealthyAfter <= options.HeartbeatInterval)
        {
            errors.Add($"{S}:{nameof(options.UnhealthyAfter)} = {options.EffectiveUnhealthyAfter} must be longer than {S}:{nameof(options.HeartbeatInterval)} ({options.HeartbeatInterval}), or every agent turns unresponsive between two heartbeats. Leave it unset for 3 × the interval.");
        }

        if (options.ExpireAfter <= options.EffectiveUnhealthyAfter)
        {
            errors.Add($"{S}:{nameof(options.ExpireAfter)} = {options.ExpireAfter} must be longer than the unhealthy threshold ({options.EffectiveUnhealthyAfter}): agents are marked unresponsive before they are dropped.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
