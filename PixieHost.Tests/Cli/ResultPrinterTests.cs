using FluentAssertions;
using NUnit.Framework;
using PixieHost.Cli;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Cli;

[TestFixture]
public sealed class ResultPrinterTests
{
    // 2024-01-02T03:04:05.5Z and 2024-01-02T03:04:06Z
    private const long T0 = 1_704_164_645_500_000_000;
    private const long T1 = 1_704_164_646_000_000_000;

    [Test]
    public void Print_Table_AlignedColumnsNumbersRight()
    {
        var text = Print(OutputFormat.Table);

        text.Should().Be(
            "Table ID: http\n" +
            "time_                   upid                                  req_path  resp_status  latency  ok\n" +
            "2024-01-02T03:04:05.5Z  00000007-0000-1092-0000-00000001e240  /a, \"b\"           200      1.5  true\n" +
            "2024-01-02T03:04:06Z    00000000-0000-0000-0000-000000000001  /é                404    0.125  false\n" +
            "\n" +
            "Table ID: n\n" +
            "count\n" +
            "    2\n");
    }

    [Test]
    public void Print_Json_OneObjectPerRowWithTableName()
    {
        var text = Print(OutputFormat.Json);

        text.Should().Be(
            "{\"_table\":\"http\",\"time_\":\"2024-01-02T03:04:05.5Z\",\"upid\":\"00000007-0000-1092-0000-00000001e240\",\"req_path\":\"/a, \\\"b\\\"\",\"resp_status\":200,\"latency\":1.5,\"ok\":true}\n" +
            "{\"_table\":\"http\",\"time_\":\"2024-01-02T03:04:06Z\",\"upid\":\"00000000-0000-0000-0000-000000000001\",\"req_path\":\"/é\",\"resp_status\":404,\"latency\":0.125,\"ok\":false}\n" +
            "{\"_table\":\"n\",\"count\":2}\n");
    }

    [Test]
    public void Print_Csv_HeaderPerTableRfc4180Quoting()
    {
        var text = Print(OutputFormat.Csv);

        text.Should().Be(
            "time_,upid,req_path,resp_status,latency,ok\n" +
            "2024-01-02T03:04:05.5Z,00000007-0000-1092-0000-00000001e240,\"/a, \"\"b\"\"\",200,1.5,true\n" +
            "2024-01-02T03:04:06Z,00000000-0000-0000-0000-000000000001,/é,404,0.125,false\n" +
            "\n" +
            "count\n" +
            "2\n");
    }

    [Test]
    public void PrintError_CompileErrorWithoutSourceLine_ShowsLineFromScriptAndCaret()
    {
        var output = new StringWriter { NewLine = "\n" };

        ResultPrinter.PrintError(new PxlCompileException("name 'dff' is not defined", 2, 3), output, "import px\nx=dff\n");

        output.ToString().Should().Be("Compile error: line 2, col 3: name 'dff' is not defined\n  x=dff\n    ^\n");
    }

    [Test]
    public void PrintError_RpcException_StatusAndDetail()
    {
        var output = new StringWriter { NewLine = "\n" };

        ResultPrinter.PrintError(new RpcException(StatusCode.Unavailable, "connection refused"), output);

        output.ToString().Should().Be("Error: Unavailable: connection refused\n");
    }

    [TestCase("JSON", OutputFormat.Json)]
    [TestCase("table", OutputFormat.Table)]
    [TestCase("csv", OutputFormat.Csv)]
    public void TryParseFormat_KnownName_Parsed(string text, OutputFormat expected)
    {
        ResultPrinter.TryParseFormat(text, out var format).Should().BeTrue();
        format.Should().Be(expected);
    }

    [Test]
    public void TryParseFormat_Unknown_False() => ResultPrinter.TryParseFormat("yaml", out _).Should().BeFalse();

    [Test]
    public void Print_ScriptReference_TableShowsLabelJsonKeepsLink()
    {
        var schema = new TableSchema("svc", [new ColumnSchema("service", DataType.String, SemanticType.ScriptReference)]);
        var rows = new RowBatchBuilder(schema);
        rows.AppendRow("{\"label\":\"host/nginx\",\"script\":\"px/service\",\"args\":{\"service\":\"host/nginx\"}}");
        rows.AppendRow("not json");
        var table = new ClientTable("id-3", schema);
        table.Add(rows.Build(), eos: true);
        var result = new ClientQueryResult("q", [table], null);

        var text = new StringWriter { NewLine = "\n" };
        ResultPrinter.Print(result, OutputFormat.Table, text);
        var json = new StringWriter { NewLine = "\n" };
        ResultPrinter.Print(result, OutputFormat.Json, json);

        text.ToString().Should().Be("Table ID: svc\nservice\nhost/nginx\nnot json\n");
        json.ToString().Should().Contain("px/service");
    }

    private static string Print(OutputFormat format)
    {
        var output = new StringWriter { NewLine = "\n" };
        ResultPrinter.Print(SampleResult(), format, output);
        return output.ToString();
    }

    private static ClientQueryResult SampleResult()
    {
        var http = new TableSchema("http",
        [
            new ColumnSchema("time_", DataType.Time64NS, SemanticType.TimeNs),
            new ColumnSchema("upid", DataType.UInt128, SemanticType.Upid),
            new ColumnSchema("req_path", DataType.String),
            new ColumnSchema("resp_status", DataType.Int64),
            new ColumnSchema("latency", DataType.Float64),
            new ColumnSchema("ok", DataType.Boolean),
        ]);
        var rows = new RowBatchBuilder(http);
        rows.AppendRow(T0, new UInt128((7UL << 32) | 4242, 123_456), "/a, \"b\"", 200L, 1.5, true);
        rows.AppendRow(T1, (UInt128)1, "/é", 404L, 0.125, false);
        var httpTable = new ClientTable("id-1", http);
        httpTable.Add(rows.Build(), eos: true);

        var counts = new TableSchema("n", [new ColumnSchema("count", DataType.Int64)]);
        var countRows = new RowBatchBuilder(counts);
        countRows.AppendRow(2L);
        var countTable = new ClientTable("id-2", counts);
        countTable.Add(countRows.Build(), eos: true);

        return new ClientQueryResult("q", [httpTable, countTable], new QueryStats(0, 0, 0, 0));
    }
}
