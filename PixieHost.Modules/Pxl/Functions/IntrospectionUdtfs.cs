using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// Pixie's metadata UDTFs (src/vizier/funcs/md_udtfs): px.GetSchemas, GetTables, GetUDFList, GetUDAList,
/// GetUDTFList and GetAgentStatus, with Pixie's output columns.
/// </summary>
public static class IntrospectionUdtfs
{
    public static void Register(FunctionRegistry r)
    {
        r.Register(new GetSchemas());
        r.Register(new GetTables());
        r.Register(new GetUdfList());
        r.Register(new GetUdaList());
        r.Register(new GetUdtfList());
        r.Register(new GetAgentStatus());
        r.Register(new GetTracepointStatus());
    }

    private static ColumnSchema S(string name, string desc) => new(name, DataType.String, SemanticType.None, desc);

    /// <summary>Pixie's PatternType of a column, from its type and semantic type (time_ is a counter, numbers gauges).</summary>
    public static string PatternType(ColumnSchema c) => (c.Type, c.Semantic) switch
    {
        (DataType.Time64NS, _) => "METRIC_COUNTER",
        (DataType.Int64, SemanticType.HttpRespStatus or SemanticType.Port) => "GENERAL_ENUM",
        (DataType.Int64 or DataType.Float64, _) => "METRIC_GAUGE",
        (DataType.Boolean, _) => "GENERAL_ENUM",
        (DataType.String, SemanticType.HttpReqMethod) => "GENERAL_ENUM",
        _ => "GENERAL",
    };

    private sealed class GetSchemas() : TableFunction("GetSchemas", "UDTF_ONE_KELVIN", "Returns the schema of every table.")
    {
        public override TableSchema Relation { get; } = new("GetSchemas",
        [
            S("table_name", "The name of the table"), S("column_name", "The name of the column"),
            S("column_type", "The data type of the column"), S("pattern_type", "The pattern type of the column"),
            S("column_desc", "The description of the column"),
        ]);

        public override IEnumerable<RowBatch> Produce(UdtfContext context)
        {
            var rows = new List<object?[]>();
            foreach (var name in context.Catalog.TableNames.Order(StringComparer.Ordinal))
            {
                if (context.Catalog.TryGetSchema(name, out var schema))
                {
                    rows.AddRange(schema.Columns.Select(c => new object?[] { name, c.Name, Names.Of(c.Type), PatternType(c), c.Description }));
                }
            }

            yield return Batch(rows);
        }
    }

    private sealed class GetTables() : TableFunction("GetTables", "UDTF_ONE_KELVIN", "Returns the name and description of every table.")
    {
        public override TableSchema Relation { get; } = new("GetTables", [S("table_name", "The name of the table"), S("table_desc", "Description of the table")]);

        public override IEnumerable<RowBatch> Produce(UdtfContext context) =>
            [Batch(context.Catalog.TableNames.Order(StringComparer.Ordinal).Select(n => new object?[] { n, TableDescriptions.Of(n) }).ToArray())];
    }

    private sealed class GetUdfList() : TableFunction("GetUDFList", "UDTF_ONE_KELVIN", "Returns every scalar function overload.")
    {
        public override TableSchema Relation { get; } = new("GetUDFList",
            [S("name", "The name of the UDF"), S("return_type", "The return type of the UDF"), S("args", "The argument types of the UDF")]);

        public override IEnumerable<RowBatch> Produce(UdtfContext context)
        {
            var rows = new List<object?[]>();
            foreach (var f in context.Functions.Scalars.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                rows.AddRange(f.Overloads.Select(o => new object?[] { f.Name, Names.Of(o.ReturnType), string.Join(",", o.ArgTypes.Select(Names.Of)) }));
                if (f.Dynamic is not null)
                {
                    rows.Add([f.Name, Names.Of(DataType.String), f.DynamicArgs]);
                }
            }

            yield return Batch(rows);
        }
    }

    private sealed class GetUdaList() : TableFunction("GetUDAList", "UDTF_ONE_KELVIN", "Returns every aggregate function overload.")
    {
        private static readonly DataType[] Types = [DataType.Boolean, DataType.Int64, DataType.UInt128, DataType.Float64, DataType.String, DataType.Time64NS];

        public override TableSchema Relation { get; } = new("GetUDAList",
            [S("name", "The name of the UDA"), S("return_type", "The return type of the UDA"), S("args", "The argument types of the UDA")]);

        public override IEnumerable<RowBatch> Produce(UdtfContext context)
        {
            var rows = new List<object?[]>();
            foreach (var f in context.Functions.Aggregates.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                foreach (var t in Types)
                {
                    if (f.TryResolve(t, out var result))
                    {
                        rows.Add([f.Name, Names.Of(result), Names.Of(t)]);
                    }
                }
            }

            yield return Batch(rows);
        }
    }

    private sealed class GetUdtfList() : TableFunction("GetUDTFList", "UDTF_ONE_KELVIN", "Returns every table function.")
    {
        public override TableSchema Relation { get; } = new("GetUDTFList",
        [
            S("name", "The name of the UDTF"), S("executor", "The location where the UDTF is executed"),
            S("init_args", "The init arguments to the UDTF"), S("output_relation", "The output relation of the UDTF"),
        ]);

        public override IEnumerable<RowBatch> Produce(UdtfContext context) =>
        [
            Batch(context.Functions.TableFunctions.OrderBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => new object?[] { f.Name, f.Executor, "[]", "[" + string.Join(", ", f.Relation.Columns.Select(c => $"{c.Name}:{Names.Of(c.Type)}")) + "]" })
                .ToArray()),
        ];
    }

    /// <summary>Dynamic tracepoints are not deployable yet, so the table is empty; scripts over it compile and show nothing.</summary>
    private sealed class GetTracepointStatus() : TableFunction("GetTracepointStatus", "UDTF_ONE_KELVIN", "Returns the status of every tracepoint.")
    {
        public override TableSchema Relation { get; } = new("GetTracepointStatus",
        [
            new("tracepoint_id", DataType.UInt128, SemanticType.None, "The id of the tracepoint"), S("tracepoint_name", "The name of the tracepoint"),
            S("state", "The state of the tracepoint"), S("status", "The status message if not healthy"),
            S("unhealthy_agent_ids", "The agents where the tracepoint failed"), S("tables", "The tables the tracepoint writes"),
        ]);

        public override IEnumerable<RowBatch> Produce(UdtfContext context) => [Batch([])];
    }

    private sealed class GetAgentStatus() : TableFunction("GetAgentStatus", "UDTF_ONE_KELVIN", "Returns the status of every agent.")
    {
        public override TableSchema Relation { get; } = new("GetAgentStatus",
        [
            new("agent_id", DataType.UInt128, SemanticType.AgentUid, "The id of the agent"),
            new("asid", DataType.Int64, SemanticType.Asid, "The short id of the agent"),
            S("hostname", "The hostname of the agent"),
            new("ip_address", DataType.String, SemanticType.IpAddress, "The IP address of the agent"),
            S("agent_state", "The current health status of the agent"),
            new("create_time", DataType.Time64NS, SemanticType.TimeNs, "The creation time of the agent"),
            new("last_heartbeat_ns", DataType.Int64, SemanticType.DurationNs, "Time (in nanoseconds) since the last heartbeat"),
            new("kernel_headers_installed", DataType.Boolean, SemanticType.None, "Whether the agent has kernel headers installed"),
        ]);

        public override IEnumerable<RowBatch> Produce(UdtfContext context) =>
        [
            Batch(context.Agents.GetAgents(context.NowNs)
                .Select(a => new object?[] { a.AgentId, a.Asid, a.Hostname, a.IpAddress, a.AgentState, a.CreateTimeNs, Math.Max(0, context.NowNs - a.LastHeartbeatNs), a.KernelHeadersInstalled })
                .ToArray()),
        ];
    }
}
