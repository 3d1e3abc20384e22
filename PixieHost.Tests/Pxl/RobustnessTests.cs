using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>Malformed scripts fail with a positioned PxlCompileException, never with another exception.</summary>
[TestFixture]
public class RobustnessTests
{
    private static readonly string[] Fragments =
    [
        "import px\n", "df", " = ", "px.DataFrame(", "'http_events'", ")", "(", "[", "]", "{", "}", ",", ":", ".", "\n",
        "    ", "def f(a: int = 1):\n", "return ", "df.latency", " >= ", "200", " & ", " | ", "~", "not ", " and ",
        "'''", "\"", "#px:set x=1\n", "px.display(df)", ".groupby(['req_path'])", ".agg(n=('latency', px.count))",
        "99999999999999999999", "0x", "1.5e", "\\\n", "lambda", "df[df.req_path == 'x']", "px.now() - px.minutes(5)",
        "df[['latency', 'latency']]", ".groupby(['req_path', 'req_path'])", ".agg(req_path=('latency', px.max))",
        "px.DataFrame('http_events', select=['time_', 'time_'])", "df.x = 1", "px.display(df, 'a')",
    ];

    [Test]
    public void Compile_RandomFragmentSoup_OnlyThrowsPxlCompileException()
    {
        var executor = new QueryExecutor(new TableStore(), () => HttpEventsData.Now);
        var rng = new Random(11);
        var compiled = 0;
        for (var i = 0; i < 3000; i++)
        {
            var script = string.Concat(Enumerable.Range(0, rng.Next(1, 20)).Select(_ => Fragments[rng.Next(Fragments.Length)]));
            try
            {
                executor.Explain(new QueryRequest(script));
                compiled++;
            }
            catch (PxlCompileException e)
            {
                e.Line.Should().BeGreaterThan(0, script);
                e.Column.Should().BeGreaterThan(0, script);
            }
        }

        compiled.Should().BeLessThan(3000);
    }

    [TestCase("df[['latency', 'latency']]", "column 'latency' is selected twice")]
    [TestCase("df.groupby(['req_path', 'req_path']).agg(n=('latency', px.count))", "column 'req_path' appears twice in groupby")]
    [TestCase("df.groupby('req_path').agg(req_path=('latency', px.max))", "aggregate 'req_path' has the name of a groupby column; choose another name")]
    public void Compile_DuplicateOutputColumns_AreReported(string expr, string message)
    {
        var act = () => new QueryExecutor(new TableStore()).Explain(new QueryRequest($"import px\ndf = px.DataFrame('http_events')\npx.display({expr})\n"));
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 3 && e.Message == message);
    }

    private static readonly string[] Statements =
    [
        "df = px.DataFrame('http_events', start_time='-1m')\n", "df = df[df.latency > 5000000]\n", "df.x = df.latency * 2\n",
        "df = df.groupby('req_path').agg(n=('latency', px.count), q=('latency', px.quantiles))\n", "df = df[['req_path']]\n",
        "df = df.head(3)\n", "df = df.drop('latency')\n", "px.display(df)\n", "px.display(df, 'b')\n",
        "df = df.agg(m=('latency', px.mean))\n", "df.y = px.select(df.latency > 1, df.req_path, 'x')\n",
        "df = df[px.contains(df.req_path, 'a')]\n", "df.time_ = df.time_ + 1\n", "df = df[df.time_ >= px.now() - px.minutes(1)]\n",
        "df = df.groupby(['req_method', 'resp_status']).agg(s=('latency', px.sum), a=('req_path', px.any))\n",
        "df.p = px.pluck_float64(df.q, 'p50')\n", "df = df[df.n > 1]\n", "df.req_path = df.req_path + '/x'\n",
        "df = df.append(df)\n", "other = df\n", "df = df.append(other)\n", "df = df[['latency', 'req_path']]\n",
        "df = df.merge(other, how='left', left_on='req_path', right_on='req_path')\n",
        "df = df.merge(other, how='outer', left_on=['req_path'], right_on=['req_path'], suffixes=['', '_r'])\n",
    ];

    [Test]
    public async Task Execute_RandomStatementSequences_OnlyThrowPxlCompileException()
    {
        var executor = new QueryExecutor(HttpEventsData.Store(HttpEventsData.Rows(200, stepNs: 100_000_000), 64), () => HttpEventsData.Now);
        var rng = new Random(13);
        var ran = 0;
        for (var i = 0; i < 1500; i++)
        {
            var script = "import px\n" + Statements[0] + string.Concat(Enumerable.Range(0, rng.Next(1, 8)).Select(_ => Statements[rng.Next(Statements.Length)]));
            try
            {
                executor.Explain(new QueryRequest(script));
                var result = await executor.ExecuteAsync(new QueryRequest(script));
                result.Tables.Should().NotBeEmpty(script);
                ran++;
            }
            catch (PxlCompileException e)
            {
                e.Line.Should().BeGreaterThan(0, script);
            }
        }

        ran.Should().BeGreaterThan(100, "enough random scripts compile to exercise the executor");
    }

    [Test]
    public void Compile_DeeplyNestedExpression_IsRejectedNotStackOverflow()
    {
        var script = "import px\nx = " + new string('(', 5000) + "1" + new string(')', 5000) + "\n";
        var act = () => new QueryExecutor(new TableStore()).Explain(new QueryRequest(script));
        act.Should().Throw<PxlCompileException>().WithMessage("*nested more than*");
    }

    [Test]
    public void Compile_HugeInteger_IsReported()
    {
        var act = () => new QueryExecutor(new TableStore()).Explain(new QueryRequest("x = 99999999999999999999\n"));
        act.Should().Throw<PxlCompileException>().Where(e => e.Column == 5 && e.Message.Contains("64 bits"));
    }

    [Test]
    public async Task AddPxl_Registered_ResolvesExecutorThatRunsScripts()
    {
        var rows = HttpEventsData.Rows(50);
        var services = new ServiceCollection()
            .AddSingleton(HttpEventsData.Store(rows))
            .AddPxl()
            .BuildServiceProvider();
        var executor = services.GetRequiredService<IQueryExecutor>();
        var result = await executor.ExecuteAsync(new QueryRequest("import px\npx.display(px.DataFrame('http_events', start_time=0).agg(n=('latency', px.count)))\n"));
        ResultRows.Of(result.Tables.Single()).Single()["n"].Should().Be(50L);
    }

    [Test]
    public async Task Execute_StartTimeInsideBatch_SelectsExactRows()
    {
        var rows = HttpEventsData.Rows(1000, stepNs: 1_000_000);
        var executor = new QueryExecutor(HttpEventsData.Store(rows, batchSize: 300), () => HttpEventsData.Now);
        var from = rows[450].Time;
        var to = rows[700].Time;
        var result = await executor.ExecuteAsync(new QueryRequest($"import px\npx.display(px.DataFrame('http_events', start_time={from}, end_time={to})[['time_', 'req_path']])\n"));
        var got = ResultRows.Of(result.Tables.Single());
        got.Select(r => (long)r["time_"]!).Should().Equal(rows.Skip(450).Take(251).Select(r => r.Time));
        got.Select(r => (string)r["req_path"]!).Should().Equal(rows.Skip(450).Take(251).Select(r => r.Path));
        result.Stats.RecordsProcessed.Should().Be(251);
    }
}
