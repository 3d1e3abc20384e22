using System.Text.Json;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class ScriptReferenceTests
{
    [Test]
    public void ScriptReference_ColumnsAndConstants_BuildsPixieJsonPerRow()
    {
        var executor = PxlRun.Executor(20);
        var rows = PxlRun.Table(executor, """
            import px
            def f(start_time: str):
                df = px.DataFrame('http_events', start_time=start_time)
                df.link = px.script_reference(df.req_path, 'px/http_data_filtered', {'req_path': df.req_path, 'start_time': start_time, 'status': df.resp_status})
                return df[['req_path', 'resp_status', 'link']]
            px.display(f('-5m'))
            """);
        rows.Should().HaveCount(20);
        foreach (var r in rows)
        {
            using var doc = JsonDocument.Parse((string)r["link"]!);
            doc.RootElement.GetProperty("label").GetString().Should().Be((string)r["req_path"]!);
            doc.RootElement.GetProperty("script").GetString().Should().Be("px/http_data_filtered");
            var args = doc.RootElement.GetProperty("args");
            args.GetProperty("req_path").GetString().Should().Be((string)r["req_path"]!);
            args.GetProperty("start_time").GetString().Should().Be("-5m");
            args.GetProperty("status").GetString().Should().Be(r["resp_status"]!.ToString());
        }
    }

    [Test]
    public void ScriptReference_ResultColumn_HasScriptReferenceSemanticType()
    {
        var result = PxlRun.Executor(3).Execute(new QueryRequest("import px\ndf = px.DataFrame('http_events')\ndf.s = px.script_reference('x', 'px/pod', {})\npx.display(df[['s']])\n"));
        result.Tables.Single().Relation[0].Semantic.Should().Be(SemanticType.ScriptReference);
    }

    [Test]
    public void ScriptReference_EscapesQuotesInValues()
    {
        var v = (string)PxlRun.Value("px.script_reference('a\"b', 'px/x', {'k': 'v\\\\w'})")!;
        v.Should().Be("{\"label\":\"a\\\"b\",\"script\":\"px/x\",\"args\":{\"k\":\"v\\\\w\"}}");
    }

    [Test]
    public void ScriptReference_NonStringLabel_IsACompileError()
    {
        var act = () => PxlRun.Value("px.script_reference(df.resp_status, 'px/x', {})");
        act.Should().Throw<PxlCompileException>().WithMessage("*no overload of script_reference*");
    }
}
