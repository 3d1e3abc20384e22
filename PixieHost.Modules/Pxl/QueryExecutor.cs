using System.Diagnostics;
using System.Globalization;
using System.Text;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.Pxl.Physical;
using PixieHost.Modules.Pxl.Rules;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl;

/// <summary>
/// Compiles PxL (parse → evaluate → logical plan → rules → physical operators) and runs it against the local
/// <see cref="TableStore.TableStore"/>. Each <c>px.display</c> (or vis.json widget) becomes one named result table.
/// </summary>
public sealed class QueryExecutor : IQueryExecutor
{
    /// <summary>Pixie's default for the <c>max_output_rows_per_table</c> query flag.</summary>
    public const long DefaultMaxOutputRowsPerTable = 10_000;

    private readonly TableStore.TableStore _store;
    private readonly Func<long> _nowNs;
    private readonly ScriptLibrary? _library;
    private readonly ScriptCompiler _compiler;
    private readonly Optimizer _optimizer = new();
    private readonly ITableCatalog _catalog;

    /// <param name="store">The tables scripts read.</param>
    /// <param name="nowNs">The clock for px.now() and relative start times, in ns since the Unix epoch; default: the system clock.</param>
    /// <param name="library">Where to find the vis.json of a request that names a library script; default: the embedded library.</param>
    /// <param name="functions">The UDF/UDA registry; default: <see cref="FunctionRegistry.Default"/>.</param>
    /// <param name="agents">The agents px.GetAgentStatus() lists; default: this process.</param>
    public QueryExecutor(TableStore.TableStore store, Func<long>? nowNs = null, ScriptLibrary? library = null, FunctionRegistry? functions = null, IAgentStatusSource? agents = null)
    {
        _store = store;
        _nowNs = nowNs ?? SystemNowNs;
        _library = library ?? ScriptLibrary.Embedded;
        _catalog = new TableStoreCatalog(store);
        Functions = functions ?? FunctionRegistry.Default;
        Agents = agents ?? LocalAgentStatusSource.Default;
        _compiler = new ScriptCompiler(_catalog, Functions, Agents);
    }

    /// <summary>The tables node fragments read.</summary>
    public TableStore.TableStore Store => _store;

    public FunctionRegistry Functions { get; }

    public IAgentStatusSource Agents { get; }

    /// <summary>The clock of px.now(), in ns since the Unix epoch.</summary>
    public long NowNs() => _nowNs();

    /// <summary>Decodes plans sent by other processes against this process's functions, tables and agents.</summary>
    public PlanCodec CreateCodec() => new(Functions, _catalog, Agents);

    /// <summary>Runs one node fragment of a split plan over this process's table store.</summary>
    public static IEnumerable<RowBatch> ExecuteFragment(PlanFragment fragment, ExecContext context) =>
        PhysicalPlanner.Plan(fragment.Root).Execute(context);

    /// <summary>Uses <paramref name="time"/> as the clock.</summary>
    public QueryExecutor(TableStore.TableStore store, TimeProvider time)
        : this(store, () => (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100)
    {
    }

    /// <summary>
    /// Compiles and runs <paramref name="request"/> on the calling thread (the work is CPU-bound; offload it if the
    /// caller must not block). Errors, including <see cref="PxlCompileException"/>, come back as a faulted task.
    /// </summary>
    public Task<QueryResult> ExecuteAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(Execute(request, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<QueryResult>(cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<QueryResult>(e);
        }
    }

    /// <summary>Compiles and runs <paramref name="request"/> synchronously.</summary>
    public QueryResult Execute(QueryRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var compileStart = Stopwatch.GetTimestamp();
        var prepared = Prepare(request);
        var compileNs = ElapsedNs(compileStart);
        var execStart = Stopwatch.GetTimestamp();
        var context = new ExecContext(_store, cancellationToken);
        var tables = new List<ResultTable>();
        foreach (var sink in prepared.Physical)
        {
            var batches = sink.Execute(context).ToList();
            tables.Add(new ResultTable(sink.Name, sink.Schema, batches));
        }

        var stats = new QueryStats(compileNs, ElapsedNs(execStart), context.BytesProcessed, context.RecordsProcessed);
        return new QueryResult(tables, stats);
    }

    /// <summary>
    /// The plan as text: "== Logical Plan ==" (after the rules), "== Rules Applied ==" and "== Physical Plan ==",
    /// one tree per result table, two spaces of indent per level.
    /// </summary>
    public string Explain(QueryRequest request)
    {
        var p = Prepare(request);
        var sb = new StringBuilder();
        sb.Append("== Logical Plan ==\n").Append(p.Logical.Explain());
        sb.Append("== Rules Applied ==\n").Append(p.AppliedRules.Count == 0 ? "(none)" : string.Join(", ", p.AppliedRules)).Append('\n');
        sb.Append("== Physical Plan ==\n").Append(string.Join("\n", p.Physical.Select(s => s.Explain())));
        return sb.ToString();
    }

    /// <summary>Compiles and optimizes a request: the logical plan a split starts from, and the output row limit.</summary>
    public (LogicalQuery Query, IReadOnlyList<string> AppliedRules, long MaxRowsPerTable) PlanLogical(QueryRequest request)
    {
        var vis = request.Vis ?? (request.QueryName is { } name && _library?.TryGet(name, out var script) == true ? script.VisJson : null);
        var query = request.ExecFuncs is { Count: > 0 } funcs
            ? _compiler.Compile(request.Script, _nowNs(), funcs)
            : _compiler.Compile(request.Script, _nowNs(), request.Args, vis is null ? null : VisSpec.Parse(vis));
        var (optimized, applied) = _optimizer.Optimize(query);
        return (optimized, applied, MaxRows(optimized.Flags));
    }

    /// <summary>Compiles, optimizes and plans a request without running it.</summary>
    public PreparedQuery Prepare(QueryRequest request)
    {
        var (optimized, applied, maxRows) = PlanLogical(request);
        var physical = optimized.Sinks.Select(s => PhysicalPlanner.Plan(s, maxRows)).ToArray();
        return new PreparedQuery(optimized, applied, physical);
    }

    private static long MaxRows(IReadOnlyDictionary<string, string> flags) =>
        flags.TryGetValue("max_output_rows_per_table", out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : DefaultMaxOutputRowsPerTable;

    private static long ElapsedNs(long start) => (long)(Stopwatch.GetElapsedTime(start).Ticks * 100L);

    private static long SystemNowNs() => (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}

/// <summary>A compiled request: the optimized logical plan, the rules that changed it, and one sink operator per result table.</summary>
public sealed record PreparedQuery(LogicalQuery Logical, IReadOnlyList<string> AppliedRules, IReadOnlyList<SinkExec> Physical);
