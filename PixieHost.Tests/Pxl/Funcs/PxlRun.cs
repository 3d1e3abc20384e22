using FluentAssertions;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl.Funcs;

/// <summary>Runs a script over synthetic http_events and returns one result table as rows.</summary>
public static class PxlRun
{
    public static QueryExecutor Executor(int rows = 100, IAgentStatusSource? agents = null) =>
        new(HttpEventsData.Store(HttpEventsData.Rows(rows), 64), () => HttpEventsData.Now, agents: agents);

    public static List<Dictionary<string, object?>> Table(QueryExecutor executor, string script, string table = "output")
    {
        var result = executor.Execute(new QueryRequest(script));
        return ResultRows.Of(result.Tables.Should().ContainSingle(t => t.Name == table).Subject);
    }

    /// <summary>The single value of <c>px.display(df, 'output')</c> where the script computes column <c>v</c> over one row.</summary>
    public static object? Value(string expr, QueryExecutor? executor = null)
    {
        var rows = Table(executor ?? Executor(1), $"import px\ndf = px.DataFrame('http_events', start_time=0).head(1)\ndf.v = {expr}\npx.display(df[['v']])\n");
        return rows.Should().ContainSingle().Subject["v"];
    }
}
