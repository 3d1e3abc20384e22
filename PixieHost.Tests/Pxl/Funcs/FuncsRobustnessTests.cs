using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl.Funcs;

/// <summary>The new functions, UDTFs and language features under random use: only PxlCompileException escapes, kernels never throw.</summary>
[TestFixture]
public class FuncsRobustnessTests
{
    private static readonly string[] Statements =
    [
        "df = px.DataFrame('http_events', start_time='-1m')\n", "df.a = px.strptime(df.req_path, '%Y-%m-%d')\n",
        "df.b = px.format_duration(df.latency)\n", "df.c = px.parse_duration(df.req_path)\n",
        "df.d = px.script_reference(df.req_path, 'px/pod', {'p': df.req_path, 'n': df.latency})\n",
        "df.e = px.normalize_pgsql(df.req_path, 'Query')\n", "df.f = px.normalize_mysql(df.req_method, df.resp_status)\n",
        "df.g = px.redact_pii_best_effort(df.remote_addr)\n", "df.h = px.pluck_array(df.req_path, df.resp_status)\n",
        "df.i = px.protocol_name(df.resp_status)\n", "df.j = px.amqp_method_name(df.resp_status, df.latency)\n",
        "df.k = px.time_to_int64(df.time_)\n", "df.l = px.int64_to_time(df.latency)\n", "df.m = px.replace('[a-z', df.req_path, 'x')\n",
        "df.n = px.hex_to_ascii(df.req_path)\n", "df.o = px.strip_prefix('/api', df.req_path)\n",
        "df = px.GetSchemas()\n", "df = px.GetAgentStatus()\n", "df = px.GetUDFList()\n", "df = px.GetTables()\n",
        "df = df[df.time_ > px.now() - px.seconds(30)]\n", "df.p = px.DurationNanos(5) * 2\n", "df = df.head(4)\n",
        "px.display(df)\n", "px.display(df, 'x')\n", "df = df.groupby('table_name').agg(n=('column_name', px.count))\n",
        "def f(x: int = 2):\n    def g():\n        return x\n    return g()\n", "df.q = f()\n", "df = df.drop(['time_'])\n",
        "df.r = px.format_duration(px.parse_duration('-1h2m'))\n", "df.s = px.strptime('2026-01-01', '%F') + px.hours(1)\n",
    ];

    [Test]
    public async Task Execute_RandomScriptsOverNewFunctions_OnlyThrowPxlCompileException()
    {
        var executor = new QueryExecutor(HttpEventsData.Store(HttpEventsData.Rows(200, stepNs: 100_000_000), 64), () => HttpEventsData.Now);
        var rng = new Random(17);
        var ran = 0;
        for (var i = 0; i < 1500; i++)
        {
            var script = "import px\n" + Statements[0] + string.Concat(Enumerable.Range(0, rng.Next(1, 8)).Select(_ => Statements[rng.Next(Statements.Length)])) + "px.display(df, 'last')\n";
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
                e.Column.Should().BeGreaterThan(0, script);
            }
        }

        ran.Should().BeGreaterThan(100);
    }

    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(8)]
    public void Kernels_RandomBytes_NeverThrow(int seed)
    {
        var rng = new Random(seed);
        string[] alphabet = ["'", "\"", "\\", "$", "$$", "$a$", "E'", "--", "/*", "*/", "1", "9.5e3", "0x", "[", "]", "{", "}", ",", "@", ".", ":", "%", "Y", "m", "d", "H", "E*S", "z", "-", "+", "s", "ms", "h", " ", "é", "\u0000", "null", "a@b.co", "10.0.0.1", "::1", "4111111111111111", "//", "?", "#", "http:", "[::1]", "j"];
        var values = Enumerable.Range(0, 2000).Select(_ => string.Concat(Enumerable.Range(0, rng.Next(0, 12)).Select(_ => alphabet[rng.Next(alphabet.Length)]))).ToArray();
        var strings = new Datum(StringColumn.FromStrings(values));
        var ints = new Datum(new Int64Column(values.Select(_ => rng.Next(2) == 0 ? rng.NextInt64() : rng.Next(-5, 20)).ToArray(), values.Length));
        var n = values.Length;
        foreach (var (name, args) in new (string, Datum[])[]
        {
            ("strptime", [strings, strings]), ("format_duration", [ints]), ("parse_duration", [strings]), ("normalize_pgsql", [strings, strings]),
            ("normalize_mysql", [strings, ints]), ("redact_pii_best_effort", [strings]), ("pluck_array", [strings, ints]), ("hex_to_ascii", [strings]),
            ("replace", [strings, strings, strings]), ("uri_parse", [strings]), ("uri_recompose", [strings, strings, strings, ints, strings, strings, strings]), ("kafka_api_key_name", [ints]), ("amqp_method_name", [ints, ints]),
        })
        {
            FunctionRegistry.Default.TryGetScalar(name, out var f).Should().BeTrue(name);
            var act = () => f.Overloads[0].Kernel(args, n);
            act.Should().NotThrow(name).Which.Length.Should().Be(n);
        }

        var sr = FunctionRegistry.Default.TryGetScalar("script_reference", out var s) && s.TryResolve([DataType.String, DataType.String, DataType.String, DataType.Int64], out var o) ? o : null;
        sr!.Kernel([strings, strings, strings, ints], n).Length.Should().Be(n);
        Encoding.UTF8.GetString(((StringColumn)sr.Kernel([strings, strings, strings, ints], n)).GetSpan(0)).Should().StartWith("{\"label\":");
    }
}
