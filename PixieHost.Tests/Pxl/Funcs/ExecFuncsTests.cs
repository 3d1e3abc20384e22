using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Tests.Pxl.Support;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class ExecFuncsTests
{
    private const string Script = """
        import px

        def by_path(start_time: str, min_status: int):
            df = px.DataFrame('http_events', start_time=start_time)
            df = df[df.resp_status >= min_status]
            return df.groupby('req_path').agg(n=('latency', px.count))

        def slow(start_time: str, threshold_ms: float, only_get: bool, svc: px.Service, pod: px.Pod, ns: px.Namespace, node: px.Node, container: str, paths: list):
            df = px.DataFrame('http_events', start_time=start_time)
            df = df[df.latency > threshold_ms * 1000000.0]
            df.is_get = df.req_method == 'GET'
            df.tag = svc + '|' + pod + '|' + ns + '|' + node + '|' + container + '|' + paths[0] + '|' + paths[1]
            df = df[df.is_get | (not only_get)]
            return df[['req_path', 'latency', 'is_get', 'tag']]
        """;

    private static readonly List<HttpRow> Rows = HttpEventsData.Rows(400);

    private static QueryExecutor Executor() => new(HttpEventsData.Store(Rows, 64), () => HttpEventsData.Now);

    [Test]
    public void ExecFuncs_EachCallDisplayedUnderItsPrefix_WithTypedArguments()
    {
        var request = new QueryRequest(Script)
        {
            ExecFuncs =
            [
                new ExecFunc("by_path", new Dictionary<string, string> { ["start_time"] = "-2m", ["min_status"] = "500" }, "errors_by_path"),
                new ExecFunc("by_path", new Dictionary<string, string> { ["start_time"] = "-2m", ["min_status"] = "0" }),
            ],
        };
        var result = Executor().Execute(request);
        result.Tables.Select(t => t.Name).Should().Equal("errors_by_path", "by_path");
        var recent = Rows.Where(r => r.Time >= HttpEventsData.Now - 120_000_000_000L).ToList();
        ResultRows.Of(result.Tables[0]).Sum(r => (long)r["n"]!).Should().Be(recent.Count(r => r.Status >= 500));
        ResultRows.Of(result.Tables[1]).Sum(r => (long)r["n"]!).Should().Be(recent.Count);
    }

    [Test]
    public void ExecFuncs_UnknownFunction_SuggestsTheNearestDefinition()
    {
        var request = new QueryRequest(Script) { ExecFuncs = [new ExecFunc("by_pth", new Dictionary<string, string>())] };
        var act = () => Executor().Execute(request);
        act.Should().Throw<PxlCompileException>().WithMessage("exec_funcs calls 'by_pth'*did you mean 'by_path'?");
    }

    [Test]
    public void ExecFuncs_BadIntArgument_IsACompileError()
    {
        var request = new QueryRequest(Script) { ExecFuncs = [new ExecFunc("by_path", new Dictionary<string, string> { ["start_time"] = "-1m", ["min_status"] = "x" })] };
        var act = () => Executor().Execute(request);
        act.Should().Throw<PxlCompileException>().WithMessage("argument 'min_status' must be an int*");
    }

    [Test]
    public void ToQueryRequest_FuncNameAndPrefix_BecomeExecFuncs()
    {
        var pb = new Pb.ExecuteScriptRequest { QueryStr = "s" };
        var call = new Pb.ExecuteScriptRequest.Types.FuncToExecute { FuncName = "by_path", OutputTablePrefix = "t1" };
        call.ArgValues.Add(new Pb.ExecuteScriptRequest.Types.FuncToExecute.Types.ArgValue { Name = "start_time", Value = "-5m" });
        pb.ExecFuncs.Add(call);
        var argsOnly = new Pb.ExecuteScriptRequest.Types.FuncToExecute();
        argsOnly.ArgValues.Add(new Pb.ExecuteScriptRequest.Types.FuncToExecute.Types.ArgValue { Name = "svc", Value = "a" });
        pb.ExecFuncs.Add(argsOnly);

        var request = VizierService.ToQueryRequest(pb);
        var f = request.ExecFuncs.Should().ContainSingle().Subject;
        (f.FuncName, f.OutputName).Should().Be(("by_path", "t1"));
        f.ArgValues.Should().BeEquivalentTo(new Dictionary<string, string> { ["start_time"] = "-5m" });
        request.Args.Should().BeEquivalentTo(new Dictionary<string, string> { ["start_time"] = "-5m", ["svc"] = "a" });
    }

    [Test]
    public void VisJson_PixieFormat_WidgetsLabelledAndGlobalFuncCompiledOnce()
    {
        const string Vis = """
            {
              "variables": [
                {"name": "start_time", "type": "PX_STRING", "description": "window", "defaultValue": "-3m"},
                {"name": "min_status", "type": "PX_INT64", "defaultValue": "400"},
                {"name": "threshold_ms", "type": "PX_FLOAT64", "defaultValue": "10.5"},
                {"name": "only_get", "type": "PX_BOOLEAN", "defaultValue": "true"},
                {"name": "svc", "type": "PX_SERVICE", "defaultValue": "default/cart"},
                {"name": "pod", "type": "PX_POD", "defaultValue": "default/cart-1"},
                {"name": "namespace", "type": "PX_NAMESPACE", "defaultValue": "default"},
                {"name": "node", "type": "PX_NODE", "defaultValue": "node-1"},
                {"name": "container", "type": "PX_CONTAINER", "defaultValue": "app"},
                {"name": "paths", "type": "PX_STRING_LIST", "defaultValue": "/a, /b"}
              ],
              "globalFuncs": [
                {"outputName": "paths_table", "func": {"name": "by_path", "args": [
                  {"name": "start_time", "variable": "start_time"}, {"name": "min_status", "variable": "min_status"}]}}
              ],
              "widgets": [
                {"name": "Paths", "position": {"x": 0, "y": 0, "w": 6, "h": 3}, "globalFuncOutputName": "paths_table",
                 "displaySpec": {"@type": "types.px.dev/px.vispb.Table"}},
                {"name": "Path Chart", "position": {"x": 6, "y": 0, "w": 6, "h": 3}, "globalFuncOutputName": "paths_table",
                 "displaySpec": {"@type": "types.px.dev/px.vispb.BarChart", "bar": {"value": "n", "label": "req_path"}}},
                {"name": "Slow Requests", "position": {"x": 0, "y": 3, "w": 12, "h": 3},
                 "func": {"name": "slow", "args": [
                   {"name": "start_time", "variable": "start_time"}, {"name": "threshold_ms", "variable": "threshold_ms"},
                   {"name": "only_get", "variable": "only_get"}, {"name": "svc", "variable": "svc"}, {"name": "pod", "variable": "pod"},
                   {"name": "ns", "variable": "namespace"}, {"name": "node", "variable": "node"},
                   {"name": "container", "variable": "container"}, {"name": "paths", "variable": "paths"}]},
                 "displaySpec": {"@type": "types.px.dev/px.vispb.Table"}}
              ]
            }
            """;
        var result = Executor().Execute(new QueryRequest(Script, new Dictionary<string, string> { ["min_status"] = "500" }) { Vis = Vis });
        result.Tables.Select(t => t.Name).Should().Equal("paths_table", "Slow Requests");

        var recent = Rows.Where(r => r.Time >= HttpEventsData.Now - 180_000_000_000L).ToList();
        ResultRows.Of(result.Tables[0]).Sum(r => (long)r["n"]!).Should().Be(recent.Count(r => r.Status >= 500), "the caller's min_status overrides the default");
        var slow = ResultRows.Of(result.Tables[1]);
        slow.Should().HaveCount(recent.Count(r => r.Latency > 10_500_000 && r.Method == "GET"));
        slow.Should().OnlyContain(r => (string)r["tag"]! == "default/cart|default/cart-1|default|node-1|app|/a|/b");
    }
}
