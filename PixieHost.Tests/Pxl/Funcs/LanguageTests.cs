using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl.Funcs;

/// <summary>One test per item of the "Language" list, each checking results, not just that the script compiles.</summary>
[TestFixture]
public class LanguageTests
{
    private const long Second = 1_000_000_000;
    private static readonly List<HttpRow> Rows = HttpEventsData.Rows(300);
    private static readonly QueryExecutor Executor = new(HttpEventsData.Store(Rows, 50), () => HttpEventsData.Now);

    private static List<Dictionary<string, object?>> Run(string script, string table = "output") => PxlRun.Table(Executor, script, table);

    private static object? One(string script, string column = "v") => Run(script).Should().ContainSingle().Subject[column];

    private static PxlCompileException Fails(string script) =>
        FluentActions.Invoking(() => Executor.Execute(new QueryRequest(script))).Should().Throw<PxlCompileException>().Which;

    private static string Agg(string expr) =>
        $"import px\ndf = px.DataFrame('http_events', start_time=0)\ndf = df.agg(n=('latency', px.count))\ndf.v = {expr}\npx.display(df[['v']])\n";

    [Test]
    public void Functions_ModuleLevelAndNested_TypedArgumentsDefaultsKeywordsAndReturns()
    {
        var v = One("""
            import px

            def outer(start_time: str = '-1h', status: int = 200, scale: float = 1.0):
                '''Docstring: counts rows with a status.'''
                def inner(df, code: int):
                    # a nested function sees the enclosing function's variables
                    return df[df.resp_status == code * int(scale)]
                df = px.DataFrame(table='http_events', start_time=start_time)
                return inner(code=status, df=df).agg(v=('latency', px.count))

            px.display(outer(status=404))
            """);
        v.Should().Be((long)Rows.Count(r => r.Status == 404));
    }

    [Test]
    public void Closure_NestedFunction_ReadsEnclosingLocals()
    {
        One("""
            import px
            def f(x: int):
                y = x * 2
                def g():
                    return y + 1
                return g()
            df = px.DataFrame('http_events', start_time=0).agg(n=('latency', px.count))
            df.v = f(20)
            px.display(df[['v']])
            """).Should().Be(41L);
    }

    [Test]
    public void Containers_ListsDictsTuples_IndexingAndUnpacking()
    {
        One(Agg("[1, 2, 3][-1] + {'a': 10, 'b': 20}['b'] + (4, 5)[0] + len(['x', 'y'])")).Should().Be(29L);
        One("""
            import px
            a, b = (3, 4)
            cols = ['req_path', 'latency']
            aggs = {'n': ('latency', px.count)}
            df = px.DataFrame('http_events', start_time=0, select=cols)
            df = df.agg(n=aggs['n'])
            df.v = a * b
            px.display(df[['v']])
            """).Should().Be(12L);
    }

    [TestCase("7 // 2 + 7 % 3 - 2 ** 3", -4L)]
    [TestCase("(1 < 2) and (3 >= 3) and not (2 == 3)", true)]
    [TestCase("1 if 2 > 3 else 5", 5L)]
    [TestCase("True & False | True", true)]
    [TestCase("~5", -6L)]
    [TestCase("1.5 * 2", 3.0)]
    [TestCase("'a' + 'b' == 'ab'", true)]
    [TestCase("0 or 7", 7L)]
    public void Operators_OnConstants_FoldAtCompileTime(string expr, object expected) => One(Agg(expr)).Should().Be(expected);

    [Test]
    public void Operators_OnColumns_ArithmeticComparisonAndBoolean()
    {
        var rows = Run("""
            import px
            df = px.DataFrame('http_events', start_time=0)
            df.a = (df.latency * 2 - 10) // 3 % 7
            df.f = df.latency / 1000.0
            df.b = (df.resp_status >= 400) & ~(df.req_method == 'GET') | (df.resp_status == 201)
            df.neg = -df.latency
            px.display(df[['latency', 'resp_status', 'req_method', 'a', 'f', 'b', 'neg']])
            """);
        rows.Should().HaveCount(Rows.Count);
        foreach (var r in rows)
        {
            var lat = (long)r["latency"]!;
            var status = (long)r["resp_status"]!;
            var method = (string)r["req_method"]!;
            r["a"].Should().Be(((((lat * 2) - 10) / 3) % 7 + 7) % 7);
            r["f"].Should().Be(lat / 1000.0);
            r["b"].Should().Be((status >= 400 && method != "GET") || status == 201);
            r["neg"].Should().Be(-lat);
        }
    }

    [Test]
    public void Operators_AndOrNotOnColumns_AreLogical()
    {
        var rows = Run("import px\ndf = px.DataFrame('http_events', start_time=0)\ndf = df[(df.resp_status == 200) and not (df.req_method == 'GET') or (df.resp_status == 404)]\npx.display(df[['resp_status', 'req_method']])\n");
        rows.Should().HaveCount(Rows.Count(r => (r.Status == 200 && r.Method != "GET") || r.Status == 404));
    }

    [Test]
    public void Strings_EveryQuoteStyle_AndEscapes()
    {
        One(Agg("'a' + \"b\" + '''c''' + \"\"\"d\"\"\" + r'\\n' + 'e\\tf' + u'g'")).Should().Be("abcd\\ne\tfg");
        One(Agg("'''multi\nline'''")).Should().Be("multi\nline");
        One(Agg("'adjacent' ' literals'")).Should().Be("adjacent literals");
    }

    [Test]
    public void LineJoining_InsideBracketsAndWithBackslash()
    {
        One("""
            import px
            df = px.DataFrame(
                'http_events',
                start_time=0,
            )
            df = df.agg(
                n=('latency',
                   px.count),
            )
            df.v = df.n + \
                1
            px.display(df[['v']])
            """).Should().Be((long)Rows.Count + 1);
    }

    [Test]
    public void Flags_PxSet_LimitsOutputRows()
    {
        var rows = Run("#px:set max_output_rows_per_table=7\nimport px\npx.display(px.DataFrame('http_events', start_time=0))\n");
        rows.Should().HaveCount(7);
    }

    [TestCase("'-30s'", 31)]
    [TestCase("'2026-01-01T11:59:00Z'", 61)]
    [TestCase("'2026-01-01 11:59:00'", 61)]
    [TestCase("1767268740000000000", 61)]
    [TestCase("px.now() - px.seconds(10)", 11)]
    public void DataFrame_StartTime_RelativeAbsoluteAndNs(string start, int expected) =>
        Run($"import px\npx.display(px.DataFrame(table='http_events', select=['time_'], start_time={start}))\n").Should().HaveCount(expected);

    [Test]
    public void DataFrame_EndTime_BoundsTheRange() =>
        Run("import px\npx.display(px.DataFrame('http_events', start_time='-60s', end_time='-50s'))\n").Should().HaveCount(11);

    [Test]
    public void Subscripts_FilterProjectionTupleProjectionAndColumn()
    {
        var rows = Run("import px\ndf = px.DataFrame('http_events', start_time=0)\ndf = df[df['resp_status'] == 200]\ndf = df['req_path', 'resp_status']\npx.display(df)\n");
        rows.Should().HaveCount(Rows.Count(r => r.Status == 200));
        rows[0].Keys.Should().Equal("req_path", "resp_status");
        Run("import px\ndf = px.DataFrame('http_events', start_time=0)\npx.display(df[['latency']].head(2))\n")[0].Keys.Should().Equal("latency");
    }

    [Test]
    public void ColumnAssignment_AttributeAndSubscript()
    {
        var rows = Run("import px\ndf = px.DataFrame('http_events', start_time=0)\ndf.ms = df.latency / 1000000\ndf['x2'] = df.ms * 2\ndf.latency = df.latency + 1\npx.display(df[['latency', 'ms', 'x2']].head(3))\n");
        foreach (var r in rows)
        {
            ((double)r["x2"]!).Should().BeApproximately((double)r["ms"]! * 2, 1e-9);
        }

        rows.Select(r => (long)r["latency"]!).Should().Equal(Rows.Take(3).Select(r => r.Latency + 1));
    }

    [Test]
    public void GroupBy_AggWithAndWithoutGroups()
    {
        var groups = Run("import px\ndf = px.DataFrame('http_events', start_time=0)\npx.display(df.groupby(['req_method', 'resp_status']).agg(n=('latency', px.count), mx=('latency', px.max), mn=('latency', px.min), s=('latency', px.sum), m=('latency', px.mean)))\n");
        groups.Should().HaveCount(Rows.Select(r => (r.Method, r.Status)).Distinct().Count());
        var all = Run("import px\ndf = px.DataFrame('http_events', start_time=0)\npx.display(df.agg(n=('latency', px.count), s=('latency', px.sum)))\n").Single();
        all["n"].Should().Be((long)Rows.Count);
        all["s"].Should().Be(Rows.Sum(r => r.Latency));
        Run("import px\ndf = px.DataFrame('http_events', start_time=0)\npx.display(df.groupby('req_method').agg())\n").Should().HaveCount(Rows.Select(r => r.Method).Distinct().Count());
    }

    [TestCase("inner")]
    [TestCase("left")]
    [TestCase("right")]
    [TestCase("outer")]
    public void Merge_EveryHow_WithSuffixes(string how)
    {
        var rows = Run($"""
            import px
            df = px.DataFrame('http_events', start_time=0)
            a = df[df.req_method == 'GET'].groupby('req_path').agg(n=('latency', px.count))
            b = df[df.resp_status >= 500].groupby('req_path').agg(n=('latency', px.count))
            j = a.merge(b, how='{how}', left_on='req_path', right_on='req_path', suffixes=['_get', '_err'])
            px.display(j)
            """);
        var get = Rows.Where(r => r.Method == "GET").Select(r => r.Path).ToHashSet();
        var err = Rows.Where(r => r.Status >= 500).Select(r => r.Path).ToHashSet();
        var expected = how switch
        {
            "inner" => get.Intersect(err).Count(),
            "left" => get.Count,
            "right" => err.Count,
            _ => get.Union(err).Count(),
        };
        rows.Should().HaveCount(expected);
        rows[0].Keys.Should().Equal("req_path_get", "n_get", "req_path_err", "n_err");
    }

    [Test]
    public void AppendHeadDrop()
    {
        var rows = Run("import px\ndf = px.DataFrame('http_events', start_time=0)\na = df.head(3)\nb = df.head(2)\nu = a.append(b).drop(['upid', 'req_headers'])\npx.display(u)\n");
        rows.Should().HaveCount(5);
        rows[0].Keys.Should().NotContain(["upid", "req_headers"]).And.Contain("latency");
        Run("import px\ndf = px.DataFrame('http_events', start_time=0)\npx.display(df.append([df, df]).head(n=1000))\n").Should().HaveCount(Math.Min(1000, Rows.Count * 3));
    }

    [Test]
    public void Debug_DisplaysWithUnderscorePrefix()
    {
        var result = Executor.Execute(new QueryRequest("import px\ndf = px.DataFrame('http_events', start_time=0)\npx.debug(df.head(1), 'peek')\npx.display(df.head(1))\n"));
        result.Tables.Select(t => t.Name).Should().Equal("_peek", "output");
    }

    [Test]
    public void Ifs_AndConditionalArguments()
    {
        One("""
            import px
            def f(flag: bool):
                if flag:
                    x = 1
                elif not flag:
                    x = 2
                else:
                    x = 3
                return x
            df = px.DataFrame('http_events', start_time=0).agg(n=('latency', px.count))
            df.v = f('false') * 10 + f(True)
            px.display(df[['v']])
            """).Should().Be(21L);
    }

    [TestCase("df = px.DataFrame('http_event')", 2, 19, "table 'http_event' not found; did you mean 'http_events'?")]
    [TestCase("df = px.DataFrame('http_events')\ndf.x = df.latncy", 3, 11, "did you mean 'latency'?")]
    [TestCase("x = px.contain('a', 'b')", 2, 8, "did you mean 'contains'?")]
    [TestCase("df = px.DataFrame('http_events').groupbi('a')", 2, 34, "did you mean 'groupby'?")]
    [TestCase("df = px.DataFrame('http_events').mrege(1)", 2, 34, "did you mean 'merge'?")]
    [TestCase("x = undefined_name", 2, 5, "name 'undefined_name' is not defined")]
    [TestCase("x = px.contains(1, 'b')", 2, 8, "no overload of contains")]
    [TestCase("x = px.DataFrame('http_events', bogus=1)", 2, 33, "unexpected keyword argument 'bogus'")]
    [TestCase("x = (1 +", 2, 5, "'(' was never closed")]
    [TestCase("x = 'unterminated", 2, 5, "")]
    [TestCase("def f(:\n    pass", 2, 6, "")]
    [TestCase("df = px.DataFrame('http_events')\ndf = df[df.latency]", 3, 12, "a filter must be a BOOLEAN expression")]
    [TestCase("df = px.DataFrame('http_events')\ndf = df.groupby('req_path').agg(n=('latency', px.sum), m=('req_path', px.mean))", 3, 56, "px.mean does not take STRING")]
    [TestCase("def f(a: int):\n    return a\nf()", 4, 1, "f() is missing the argument 'a'")]
    [TestCase("x = 1\n  y = 2", 3, 3, "")]
    [TestCase("def f(limit: int = 1):\n    return limit\nx = f(limt=2)", 4, 7, "unexpected keyword argument 'limt'; did you mean 'limit'?")]
    [TestCase("df = px.DataFrame('http_events', strat_time='-5m')", 2, 34, "did you mean 'start_time'?")]
    public void Errors_HaveLineColumnAndSuggestions(string body, int line, int column, string message)
    {
        var e = Fails("import px\n" + body + "\n");
        e.Line.Should().Be(line, e.Render());
        e.Column.Should().Be(column, e.Render());
        if (message.Length > 0)
        {
            e.Message.Should().Contain(message);
        }

        e.Render().Should().Contain("^");
    }
}
