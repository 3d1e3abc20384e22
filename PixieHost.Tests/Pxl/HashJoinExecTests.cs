using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class HashJoinExecTests
{
    private List<HttpRow> _rows = null!;
    private QueryExecutor _executor = null!;

    [SetUp]
    public void SetUp()
    {
        _rows = HttpEventsData.Rows(1000);
        _executor = new QueryExecutor(HttpEventsData.Store(_rows, batchSize: 100), () => HttpEventsData.Now);
    }

    private async Task<List<Dictionary<string, object?>>> Run(string body) =>
        ResultRows.Of((await _executor.ExecuteAsync(new QueryRequest("import px\ndf = px.DataFrame('http_events', start_time='-1h')\n" + body))).Tables.Single());

    [Test]
    public async Task Merge_LeftJoin_KeepsUnmatchedLeftRowsWithZeros()
    {
        var rows = await Run("""
            reqs = df.groupby('req_path').agg(n=('latency', px.count))
            errs = df[(df.resp_status >= 500) & (df.req_path != '/metrics')].groupby('req_path').agg(e=('latency', px.count))
            px.display(reqs.merge(errs, how='left', left_on='req_path', right_on='req_path', suffixes=['', '_err']))
            """);
        rows.Should().HaveCount(_rows.Select(r => r.Path).Distinct().Count());
        foreach (var r in rows)
        {
            var path = (string)r["req_path"]!;
            r["n"].Should().Be((long)_rows.Count(x => x.Path == path));
            var errors = path == "/metrics" ? 0 : _rows.Count(x => x.Path == path && x.Status >= 500);
            r["e"].Should().Be((long)errors);
            r["req_path_err"].Should().Be(path == "/metrics" ? string.Empty : path);
        }
    }

    [Test]
    public async Task Merge_ManyToMany_ProducesEveryPair()
    {
        var rows = await Run("""
            a = df[['req_path', 'latency']]
            b = df[['req_path', 'resp_status']]
            j = a.merge(b, how='inner', left_on='req_path', right_on='req_path')
            px.display(j.agg(pairs=('latency', px.count), errors=('resp_status', px.sum)))
            """);
        var byPath = _rows.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.ToList());
        rows.Single()["pairs"].Should().Be(byPath.Values.Sum(g => (long)g.Count * g.Count));
        rows.Single()["errors"].Should().Be(byPath.Values.Sum(g => g.Count * g.Sum(r => r.Status)));
    }

    [TestCase("inner", 1)]
    [TestCase("left", 2)]
    [TestCase("right", 2)]
    [TestCase("outer", 3)]
    public async Task Merge_How_KeepsTheRightRows(string how, int expected)
    {
        var rows = await Run($"""
            l = df[(df.req_path == '/healthz') | (df.req_path == '/metrics')].groupby('req_path').agg(a=('latency', px.count))
            r = df[(df.req_path == '/metrics') | (df.req_path == '/api/users')].groupby('req_path').agg(b=('latency', px.count))
            px.display(l.merge(r, how='{how}', left_on=['req_path'], right_on=['req_path']))
            """);
        rows.Should().HaveCount(expected);
        rows.Should().ContainSingle(r => (string)r["req_path_x"]! == "/metrics" && (string)r["req_path_y"]! == "/metrics");
    }

    [Test]
    public void Merge_KeyTypesDiffer_IsReported()
    {
        var act = () => _executor.Explain(new QueryRequest("import px\ndf = px.DataFrame('http_events')\npx.display(df.merge(df, left_on='req_path', right_on='latency'))\n"));
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 3 && e.Message == "cannot join STRING column 'req_path' with INT64 column 'latency'");
    }
}
