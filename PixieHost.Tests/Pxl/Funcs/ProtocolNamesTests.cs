using FluentAssertions;
using NUnit.Framework;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class ProtocolNamesTests
{
    [TestCase("px.protocol_name(1)", "HTTP")]
    [TestCase("px.protocol_name(5)", "PGSQL")]
    [TestCase("px.protocol_name(99)", "99")]
    [TestCase("px.http_resp_message(404)", "Not Found")]
    [TestCase("px.mysql_command_name(3)", "Query")]
    [TestCase("px.mysql_command_name(0x16)", "StmtPrepare")]
    [TestCase("px.cql_opcode_name(7)", "Query")]
    [TestCase("px.kafka_api_key_name(18)", "ApiVersions")]
    [TestCase("px.amqp_frame_type_name(8)", "Heartbeat")]
    [TestCase("px.amqp_method_name(60, 40)", "BasicPublish")]
    [TestCase("px.amqp_method_name(-1, 40)", "Unknown")]
    [TestCase("px.mux_frame_type_name(-2)", "Rdispatch")]
    public void Names_Constant_MatchProtocolTables(string expr, string expected) => PxlRun.Value(expr).Should().Be(expected);

    [Test]
    public void HttpRespMessage_OverColumn_NamesEveryStatus()
    {
        var rows = PxlRun.Table(PxlRun.Executor(200), "import px\ndf = px.DataFrame('http_events')\ndf.m = px.http_resp_message(df.resp_status)\npx.display(df.groupby(['resp_status', 'm']).agg(n=('latency', px.count)))\n");
        rows.Should().Contain(r => (long)r["resp_status"]! == 503 && (string)r["m"]! == "Service Unavailable");
        rows.Should().OnlyContain(r => (string)r["m"]! != r["resp_status"]!.ToString());
    }
}
