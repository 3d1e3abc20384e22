using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl.Funcs;

[TestFixture]
public class IntrospectionUdtfTests
{
    private sealed class TwoAgents : IAgentStatusSource
    {
        public IReadOnlyList<AgentStatus> GetAgents(long nowNs) =>
        [
            new(1, 7, "node-a", "10.0.0.1", "AGENT_STATE_HEALTHY", 100, nowNs - 2_000_000_000, true),
            new(2, 8, "node-b", "10.0.0.2", "AGENT_STATE_UNRESPONSIVE", 200, nowNs - 60_000_000_000, false),
        ];
    }

    [Test]
    public void GetSchemas_HttpEvents_ListsEveryColumnWithTypeAndDescription()
    {
        var rows = PxlRun.Table(PxlRun.Executor(), "import px\ndf = px.GetSchemas()\npx.display(df[df.table_name == 'http_events'])\n");
        rows.Select(r => r["column_name"]).Should().Equal(Modules.Pem.PemSchemas.HttpEvents.Columns.Select(c => c.Name));
        rows.Should().ContainSingle(r => (string)r["column_name"]! == "latency").Which["column_type"].Should().Be("INT64");
        rows.Single(r => (string)r["column_name"]! == "time_")["column_type"].Should().Be("TIME64NS");
        rows.Single(r => (string)r["column_name"]! == "req_method")["column_desc"].Should().Be("HTTP request method (e.g. GET, POST, ...)");
        rows.Single(r => (string)r["column_name"]! == "time_")["pattern_type"].Should().Be("METRIC_COUNTER");
        rows[0].Keys.Should().Equal("table_name", "column_name", "column_type", "pattern_type", "column_desc");
    }

    [Test]
    public void GetTables_GroupByAndCount_WorksWithTheDataFrameApi()
    {
        var rows = PxlRun.Table(PxlRun.Executor(), """
            import px
            df = px.GetSchemas()
            df = df.groupby('table_name').agg(columns=('column_name', px.count))
            t = px.GetTables()
            df = df.merge(t, how='inner', left_on='table_name', right_on='table_name', suffixes=['', '_t'])
            px.display(df[df.table_name == 'http_events'])
            """);
        var row = rows.Should().ContainSingle().Subject;
        row["columns"].Should().Be((long)Modules.Pem.PemSchemas.HttpEvents.Columns.Count);
        row["table_desc"].Should().Be("HTTP request-response pair events");
    }

    [Test]
    public void GetUDFList_ContainsEveryOverloadOfAdd()
    {
        var rows = PxlRun.Table(PxlRun.Executor(), "import px\ndf = px.GetUDFList()\npx.display(df[df.name == 'add'])\n");
        rows.Select(r => (string)r["args"]!).Should().Contain(["INT64,INT64", "FLOAT64,FLOAT64", "STRING,STRING"]);
        rows.Single(r => (string)r["args"]! == "STRING,STRING")["return_type"].Should().Be("STRING");
        rows.Should().HaveCount(FunctionRegistry.Default.TryGetScalar("add", out var add) ? add.Overloads.Count : -1);
    }

    [Test]
    public void GetUDAList_ListsAcceptedTypesPerAggregate()
    {
        var rows = PxlRun.Table(PxlRun.Executor(), "import px\npx.display(px.GetUDAList())\n");
        rows.Should().Contain(r => (string)r["name"]! == "mean" && (string)r["args"]! == "BOOLEAN" && (string)r["return_type"]! == "FLOAT64");
        rows.Should().NotContain(r => (string)r["name"]! == "sum" && (string)r["args"]! == "STRING");
    }

    [Test]
    public void GetUDTFList_ListsItselfWithRelation()
    {
        var rows = PxlRun.Table(PxlRun.Executor(), "import px\npx.display(px.GetUDTFList())\n");
        rows.Select(r => r["name"]).Should().Contain(["GetSchemas", "GetTables", "GetUDFList", "GetUDAList", "GetUDTFList", "GetAgentStatus"]);
        ((string)rows.Single(r => (string)r["name"]! == "GetTables")["output_relation"]!).Should().Be("[table_name:STRING, table_desc:STRING]");
        rows.Single(r => (string)r["name"]! == "GetAgentStatus")["executor"].Should().Be("UDTF_ONE_KELVIN");
    }

    [Test]
    public void GetAgentStatus_Default_DescribesThisProcessAsOneHealthyAgent()
    {
        var rows = PxlRun.Table(PxlRun.Executor(), "import px\npx.display(px.GetAgentStatus())\n");
        var row = rows.Should().ContainSingle().Subject;
        row["hostname"].Should().Be(Environment.MachineName);
        row["agent_state"].Should().Be("AGENT_STATE_HEALTHY");
        row["last_heartbeat_ns"].Should().Be(0L);
        row.Keys.Should().Equal("agent_id", "asid", "hostname", "ip_address", "agent_state", "create_time", "last_heartbeat_ns", "kernel_headers_installed");
    }

    [Test]
    public void GetAgentStatus_CustomSource_FiltersAndComputesOverItsRows()
    {
        var rows = PxlRun.Table(PxlRun.Executor(agents: new TwoAgents()), """
            import px
            df = px.GetAgentStatus()
            df = df[df.last_heartbeat_ns > px.seconds(10)]
            df.healthy = df.agent_state == 'AGENT_STATE_HEALTHY'
            px.display(df[['hostname', 'asid', 'healthy', 'last_heartbeat_ns']])
            """);
        var row = rows.Should().ContainSingle().Subject;
        row["hostname"].Should().Be("node-b");
        row["asid"].Should().Be(8L);
        row["healthy"].Should().Be(false);
        row["last_heartbeat_ns"].Should().Be(60_000_000_000L);
    }

    [Test]
    public void Explain_Udtf_ShowsLogicalAndPhysicalSource()
    {
        var text = PxlRun.Executor().Explain(new QueryRequest("import px\ndf = px.GetSchemas()\npx.display(df[['table_name']].head(3))\n"));
        text.Should().Contain("LogicalUdtfSource: udtf=GetSchemas, executor=UDTF_ONE_KELVIN").And.Contain("UdtfExec: udtf=GetSchemas");
    }

    [Test]
    public void GetSchemas_WithArguments_IsACompileError()
    {
        var act = () => PxlRun.Executor().Explain(new QueryRequest("import px\npx.display(px.GetSchemas('x'))\n"));
        act.Should().Throw<PxlCompileException>().Where(e => e.Line == 2 && e.Message.Contains("GetSchemas() takes at most 0"));
    }

    [Test]
    public void GetSchemas_TypoInName_SuggestsTheUdtf()
    {
        var act = () => PxlRun.Executor().Explain(new QueryRequest("import px\npx.display(px.GetSchema())\n"));
        act.Should().Throw<PxlCompileException>().WithMessage("*did you mean 'GetSchemas'?*");
    }

    [Test]
    public void LocalAgentStatusSource_ReportsConfiguredAsidAndHeartbeatNow()
    {
        var agent = new LocalAgentStatusSource(42, 1000).GetAgents(5000).Single();
        agent.Asid.Should().Be(42);
        agent.LastHeartbeatNs.Should().Be(5000);
        agent.CreateTimeNs.Should().Be(1000);
        agent.AgentId.Should().NotBe(UInt128.Zero);
        agent.IpAddress.Should().MatchRegex(@"^\d+\.\d+\.\d+\.\d+$");
    }

    [Test]
    public void Relations_UseTypesPixieDeclares()
    {
        FunctionRegistry.Default.TableFunctions.Single(f => f.Name == "GetAgentStatus").Relation.Columns
            .Select(c => c.Type).Should().Equal(DataType.UInt128, DataType.Int64, DataType.String, DataType.String, DataType.String, DataType.Time64NS, DataType.Int64, DataType.Boolean);
    }
}
