using Microsoft.AspNetCore.Builder;

namespace PixieHost.Modules.Hosting;

/// <summary>
/// A unit the role host composes: <see cref="Add"/> registers services and listeners, <see cref="Map"/> (optional)
/// maps endpoints once the app is built. Modules never ask which role they run in.
/// </summary>
public sealed record PixieModule(string Name, Action<WebApplicationBuilder> Add, Action<WebApplication>? Map = null);

/// <summary>Something with counters worth showing on /statusz (tables, tracer, probes).</summary>
public interface IStatusSource
{
    string Name { get; }

    object Snapshot();
}

/// <summary>A module's listener, as `pixie serve` prints it on start ("query API (gRPC): 127.0.0.1:50300").</summary>
public interface IListenerDescription
{
    string Describe();
}
