using System.CommandLine;
using PixieHost.Cli;
using PixieHost.Modules.Hosting;
using PixieHost.Modules.Kelvin;
using PixieHost.Modules.Metadata;
using PixieHost.Modules.Metadata.Agents;
using PixieHost.Modules.Pem;
using PixieHost.Modules.QueryBroker;

namespace PixieHost;

/// <summary>The `pixie` executable: CLI verbs, and the one table from role to modules.</summary>
public static class Program
{
    /// <summary>
    /// Which modules each role hosts, each role in its own process talking over RPC. Later roles (cloud, dashboard,
    /// operator) are new rows here, never special cases elsewhere.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, PixieModule[]> Roles = new Dictionary<string, PixieModule[]>(StringComparer.Ordinal)
    {
        ["pem"] = [ModuleCatalog.TableStore, ModuleCatalog.MetadataProvider, ModuleCatalog.Pem, ModuleCatalog.PemFragments],
        ["kelvin"] = [ModuleCatalog.TableStore, ModuleCatalog.MetadataProvider, ModuleCatalog.Kelvin],
        ["query-broker"] = [ModuleCatalog.TableStore, ModuleCatalog.MetadataProvider, ModuleCatalog.QueryBroker, ModuleCatalog.RegistryTopology],
        ["metadata"] = [ModuleCatalog.MetadataService],
    };

    /// <summary>
    /// No --role: the embedded default. One process collects, stores and answers; the query broker splits each plan
    /// and runs both halves through the same kelvin and pem code, wired in process instead of over RPC.
    /// </summary>
    public static readonly IReadOnlyList<PixieModule> Standalone =
        [ModuleCatalog.TableStore, ModuleCatalog.MetadataProvider, ModuleCatalog.Pem, ModuleCatalog.QueryBroker, ModuleCatalog.InProcessTopology];

    public static Task<int> Main(string[] args)
    {
        // Everything after a bare "--" belongs to the script (pixie run px/http_data -- --start_time=-10m).
        var split = Array.IndexOf(args, "--");
        var own = split < 0 ? args : args[..split];
        var scriptArgs = split < 0 ? [] : args[(split + 1)..];
        var root = new RootCommand("pixie: eBPF auto-telemetry. Hosts a node's collector and query API, and runs PxL scripts against it.")
        {
            ServeCommand.Create(Roles, Standalone),
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

    /// <summary>
    /// Process, container, pod and service metadata: from the Kubernetes API when in a cluster (or Kubernetes:Kubeconfig
    /// is set), else of this host from /proc.
    /// </summary>
    public static readonly PixieModule MetadataProvider = new("metadata-provider", b => b.Services.AddKubernetesMetadata());

    public static readonly PixieModule QueryBroker = new("query-broker", b => b.AddQueryBroker(), app => app.MapQueryBroker());

    /// <summary>The pem's half of split queries: runs node fragments for a kelvin; registers with the metadata service.</summary>
    public static readonly PixieModule PemFragments = new("pem-fragments", b => b.AddPemFragments(), app => app.MapPemFragments());

    public static readonly PixieModule Kelvin = new("kelvin", b => b.AddKelvin(), app => app.MapKelvin());

    /// <summary>The agent registry: pems and kelvins register and heartbeat; brokers list the healthy ones.</summary>
    public static readonly PixieModule MetadataService = new("metadata-service", b => b.AddMetadataService(), app => app.MapMetadataService());

    /// <summary>Standalone: the broker's queries run on this process's own pem and kelvin.</summary>
    public static readonly PixieModule InProcessTopology = new("in-process-topology", b => b.Services.AddInProcessTopology());

    /// <summary>Split roles: the broker's queries run on the agents registered with the metadata service.</summary>
    public static readonly PixieModule RegistryTopology = new("registry-topology", b => b.Services.AddRegistryTopology());
}
