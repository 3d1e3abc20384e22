using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl;

/// <summary>A script to run: PxL text, arguments for its typed functions, and an optional name (e.g. px/http_data).</summary>
public sealed record QueryRequest(string Script, IReadOnlyDictionary<string, string>? Args = null, string? QueryName = null)
{
    /// <summary>
    /// The script's vis.json (Pixie's vispb.Vis). When set, the functions it names are called with <see cref="Args"/>
    /// or the variables' defaults and their outputs become result tables. When null and <see cref="QueryName"/>
    /// names a library script, that script's vis.json is used.
    /// </summary>
    public string? Vis { get; init; }

    /// <summary>
    /// Pixie's <c>exec_funcs</c>: functions of the script to call, each with its own arguments, each result displayed
    /// as the entry's output table prefix (or the function's name). When set, the vis.json is not consulted.
    /// </summary>
    public IReadOnlyList<ExecFunc>? ExecFuncs { get; init; }

    /// <summary>The query's id, as the caller chose it (ExecuteScript's query_id); null: the executor makes one.</summary>
    public string? QueryId { get; init; }
}

/// <summary>One <c>exec_funcs</c> entry: call <see cref="FuncName"/> with <see cref="ArgValues"/> and display the result.</summary>
public sealed record ExecFunc(string FuncName, IReadOnlyDictionary<string, string> ArgValues, string? OutputTablePrefix = null)
{
    /// <summary>The result table's name: the prefix when given, else the function's name.</summary>
    public string OutputName => string.IsNullOrEmpty(OutputTablePrefix) ? FuncName : OutputTablePrefix;
}

/// <summary>One named output of a script (from <c>px.display(df, name)</c>).</summary>
public sealed record ResultTable(string Name, TableSchema Relation, IReadOnlyList<RowBatch> Batches)
{
    public long RowCount => Batches.Sum(b => (long)b.RowCount);
}

/// <summary>Timing and volume of one execution, as Pixie's QueryExecutionStats.</summary>
public sealed record QueryStats(long CompilationTimeNs, long ExecutionTimeNs, long BytesProcessed, long RecordsProcessed);

public sealed record QueryResult(IReadOnlyList<ResultTable> Tables, QueryStats Stats)
{
    /// <summary>What went wrong without failing the query, e.g. a pem that died mid-query (its rows are missing).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Compiles and runs PxL against the local table store.</summary>
public interface IQueryExecutor
{
    Task<QueryResult> ExecuteAsync(QueryRequest request, CancellationToken cancellationToken = default);

    /// <summary>The plan as text, without running it.</summary>
    string Explain(QueryRequest request);
}

/// <summary>
/// A script that does not compile: carries the 1-based line and column, and renders the offending line with a caret.
/// </summary>
public sealed class PxlCompileException : Exception
{
    public PxlCompileException(string message, int line, int column, string? sourceLine = null)
        : base(message)
    {
        Line = line;
        Column = column;
        SourceLine = sourceLine;
    }

    public int Line { get; }

    public int Column { get; }

    public string? SourceLine { get; }

    /// <summary>"line 4, col 12: message", then the source line and a caret under the column.</summary>
    public string Render()
    {
        var head = $"line {Line}, col {Column}: {Message}";
        if (string.IsNullOrEmpty(SourceLine))
        {
            return head;
        }

        return $"{head}\n  {SourceLine}\n  {new string(' ', Math.Max(0, Column - 1))}^";
    }
}
