using System.CommandLine;
using PixieHost.Cli;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Pem;
using PixieHost.Modules.QueryBroker;

namespace PixieHost;

/// <summary>The `pixie` executable: CLI verbs, and the one table from role to modules.</summary>
public static class Program
{
    /// <summary>
    /// Which modules each role hosts. Standalone (no --role) hosts the union of every role. Later roles
    /// (kelvin, metadata, cloud, dashboard, operator) are new rows here, never special cases elsewhere.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, PixieModule[]> Roles = new Dictionary<string, PixieModule[]>(StringComparer.Ordinal)
    {
        ["pem"] = [ModuleCatalog.TableStore, ModuleCatalog.LocalMetadata, ModuleCatalog.Pem],
        ["query-broker"] = [ModuleCatalog.TableStore, ModuleCatalog.LocalMetadata, ModuleCatalog.QueryBroker],
    };

    public static Task<int> Main(string[] args)
    {
        // Everything after a bare "--" belongs to the script (pixie run px/http_data -- --start_time=-10m).
        var split = Array.IndexOf(args, "--");
        var own = split < 0 ? args : args[..split];
        var scriptArgs = split < 0 ? [] : args[(split + 1)..];
        var root = new RootCommand("pixie: eBPF auto-telemetry. Hosts a node's collector and query API, and runs PxL scripts against it.")
        {
            ServeCommand.Create(Roles),
            RunCommand.Create(scriptArgs),
            ExplainCommand.Create(scriptArgs),
            ScriptCommand.Create(),
        };
        return root.Parse(own).InvokeAsync();
    }
}

/// <summary>The modules roles are built from.</summary>
public static class ModuleCatalog
{
    public static readonly PixieModule TableStore = new("table-store", b => b.AddTableStore());

    public static readonly PixieModule Pem = new("pem", b => b.AddPem());

    /// <summary>Process, container, pod and service metadata of this host from /proc (standalone, no Kubernetes).</summary>
    public static readonly PixieModule LocalMetadata = new("local-metadata", b => b.Services.AddLocalMetadata());

    public static readonly PixieModule QueryBroker = new("query-broker", b => b.AddQueryBroker(), app => app.MapQueryBroker());
}
