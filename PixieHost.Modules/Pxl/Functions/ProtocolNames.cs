using System.Globalization;
using System.Text;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// Protocol helpers of Pixie's protocol UDFs: px.protocol_name (traffic_protocol_t), px.http_resp_message,
/// px.mysql_command_name, px.cql_opcode_name, px.kafka_api_key_name, px.amqp_frame_type_name,
/// px.amqp_method_name(class_id, method_id) and px.mux_frame_type_name. Codes without a name print as their number.
/// </summary>
public static class ProtocolNames
{
    private static readonly NameTable Protocols = new(
        (0, "Unknown"), (1, "HTTP"), (2, "HTTP2"), (3, "MySQL"), (4, "CQL"), (5, "PGSQL"), (6, "DNS"), (7, "Redis"),
        (8, "NATS"), (9, "Mongo"), (10, "Kafka"), (11, "Mux"), (12, "AMQP"), (13, "TLS"));

    private static readonly NameTable HttpStatus = new(
        (100, "Continue"), (101, "Switching Protocols"), (200, "OK"), (201, "Created"), (202, "Accepted"), (203, "Non-Authoritative Information"),
        (204, "No Content"), (205, "Reset Content"), (206, "Partial Content"), (300, "Multiple Choices"), (301, "Moved Permanently"), (302, "Found"),
        (303, "See Other"), (304, "Not Modified"), (307, "Temporary Redirect"), (308, "Permanent Redirect"), (400, "Bad Request"),
        (401, "Unauthorized"), (402, "Payment Required"), (403, "Forbidden"), (404, "Not Found"), (405, "Method Not Allowed"),
        (406, "Not Acceptable"), (407, "Proxy Authentication Required"), (408, "Request Timeout"), (409, "Conflict"), (410, "Gone"),
        (411, "Length Required"), (412, "Precondition Failed"), (413, "Payload Too Large"), (414, "URI Too Long"), (415, "Unsupported Media Type"),
        (416, "Range Not Satisfiable"), (417, "Expectation Failed"), (418, "I'm a teapot"), (422, "Unprocessable Entity"), (425, "Too Early"),
        (426, "Upgrade Required"), (428, "Precondition Required"), (429, "Too Many Requests"), (431, "Request Header Fields Too Large"),
        (451, "Unavailable For Legal Reasons"), (500, "Internal Server Error"), (501, "Not Implemented"), (502, "Bad Gateway"),
        (503, "Service Unavailable"), (504, "Gateway Timeout"), (505, "HTTP Version Not Supported"), (511, "Network Authentication Required"));

    private static readonly NameTable MysqlCommands = new(
        (0x00, "Sleep"), (0x01, "Quit"), (0x02, "InitDB"), (0x03, "Query"), (0x04, "FieldList"), (0x05, "CreateDB"), (0x06, "DropDB"),
        (0x07, "Refresh"), (0x08, "Shutdown"), (0x09, "Statistics"), (0x0a, "ProcessInfo"), (0x0b, "Connect"), (0x0c, "ProcessKill"),
        (0x0d, "Debug"), (0x0e, "Ping"), (0x0f, "Time"), (0x10, "DelayedInsert"), (0x11, "ChangeUser"), (0x12, "BinlogDump"),
        (0x13, "TableDump"), (0x14, "ConnectOut"), (0x15, "RegisterSlave"), (0x16, "StmtPrepare"), (0x17, "StmtExecute"),
        (0x18, "StmtSendLongData"), (0x19, "StmtClose"), (0x1a, "StmtReset"), (0x1b, "SetOption"), (0x1c, "StmtFetch"), (0x1d, "Daemon"),
        (0x1e, "BinlogDumpGTID"), (0x1f, "ResetConnection"));

    private static readonly NameTable CqlOpcodes = new(
        (0x00, "Error"), (0x01, "Startup"), (0x02, "Ready"), (0x03, "Authenticate"), (0x05, "Options"), (0x06, "Supported"), (0x07, "Query"),
        (0x08, "Result"), (0x09, "Prepare"), (0x0a, "Execute"), (0x0b, "Register"), (0x0c, "Event"), (0x0d, "Batch"), (0x0e, "AuthChallenge"),
        (0x0f, "AuthResponse"), (0x10, "AuthSuccess"));

    private static readonly NameTable KafkaApiKeys = new(
        (0, "Produce"), (1, "Fetch"), (2, "ListOffsets"), (3, "Metadata"), (4, "LeaderAndIsr"), (5, "StopReplica"), (6, "UpdateMetadata"),
        (7, "ControlledShutdown"), (8, "OffsetCommit"), (9, "OffsetFetch"), (10, "FindCoordinator"), (11, "JoinGroup"), (12, "Heartbeat"),
        (13, "LeaveGroup"), (14, "SyncGroup"), (15, "DescribeGroups"), (16, "ListGroups"), (17, "SaslHandshake"), (18, "ApiVersions"),
        (19, "CreateTopics"), (20, "DeleteTopics"), (21, "DeleteRecords"), (22, "InitProducerId"), (23, "OffsetForLeaderEpoch"),
        (24, "AddPartitionsToTxn"), (25, "AddOffsetsToTxn"), (26, "EndTxn"), (27, "WriteTxnMarkers"), (28, "TxnOffsetCommit"),
        (29, "DescribeAcls"), (30, "CreateAcls"), (31, "DeleteAcls"), (32, "DescribeConfigs"), (33, "AlterConfigs"),
        (34, "AlterReplicaLogDirs"), (35, "DescribeLogDirs"), (36, "SaslAuthenticate"), (37, "CreatePartitions"),
        (38, "CreateDelegationToken"), (39, "RenewDelegationToken"), (40, "ExpireDelegationToken"), (41, "DescribeDelegationToken"),
        (42, "DeleteGroups"), (43, "ElectLeaders"), (44, "IncrementalAlterConfigs"), (45, "AlterPartitionReassignments"),
        (46, "ListPartitionReassignments"), (47, "OffsetDelete"), (48, "DescribeClientQuotas"), (49, "AlterClientQuotas"),
        (50, "DescribeUserScramCredentials"), (51, "AlterUserScramCredentials"), (56, "AlterPartition"), (57, "UpdateFeatures"),
        (60, "DescribeCluster"), (61, "DescribeProducers"), (65, "DescribeTransactions"), (66, "ListTransactions"), (67, "AllocateProducerIds"));

    private static readonly NameTable AmqpFrameTypes = new((1, "Method"), (2, "Header"), (3, "Body"), (8, "Heartbeat"));

    /// <summary>AMQP 0-9-1 methods, keyed by class_id * 1000 + method_id.</summary>
    private static readonly NameTable AmqpMethods = new(
        (10010, "ConnectionStart"), (10011, "ConnectionStartOk"), (10020, "ConnectionSecure"), (10021, "ConnectionSecureOk"),
        (10030, "ConnectionTune"), (10031, "ConnectionTuneOk"), (10040, "ConnectionOpen"), (10041, "ConnectionOpenOk"),
        (10050, "ConnectionClose"), (10051, "ConnectionCloseOk"), (10060, "ConnectionBlocked"), (10061, "ConnectionUnblocked"),
        (20010, "ChannelOpen"), (20011, "ChannelOpenOk"), (20020, "ChannelFlow"), (20021, "ChannelFlowOk"), (20040, "ChannelClose"),
        (20041, "ChannelCloseOk"), (40010, "ExchangeDeclare"), (40011, "ExchangeDeclareOk"), (40020, "ExchangeDelete"),
        (40021, "ExchangeDeleteOk"), (40030, "ExchangeBind"), (40031, "ExchangeBindOk"), (40040, "ExchangeUnbind"), (40051, "ExchangeUnbindOk"),
        (50010, "QueueDeclare"), (50011, "QueueDeclareOk"), (50020, "QueueBind"), (50021, "QueueBindOk"), (50030, "QueuePurge"),
        (50031, "QueuePurgeOk"), (50040, "QueueDelete"), (50041, "QueueDeleteOk"), (50050, "QueueUnbind"), (50051, "QueueUnbindOk"),
        (60010, "BasicQos"), (60011, "BasicQosOk"), (60020, "BasicConsume"), (60021, "BasicConsumeOk"), (60030, "BasicCancel"),
        (60031, "BasicCancelOk"), (60040, "BasicPublish"), (60050, "BasicReturn"), (60060, "BasicDeliver"), (60070, "BasicGet"),
        (60071, "BasicGetOk"), (60072, "BasicGetEmpty"), (60080, "BasicAck"), (60090, "BasicReject"), (60100, "BasicRecoverAsync"),
        (60110, "BasicRecover"), (60111, "BasicRecoverOk"), (60120, "BasicNack"), (85010, "ConfirmSelect"), (85011, "ConfirmSelectOk"),
        (90010, "TxSelect"), (90011, "TxSelectOk"), (90020, "TxCommit"), (90021, "TxCommitOk"), (90030, "TxRollback"), (90031, "TxRollbackOk"));

    /// <summary>Finagle Mux message types (T* requests positive, R* replies negative).</summary>
    private static readonly NameTable MuxTypes = new(
        (1, "Treq"), (-1, "Rreq"), (2, "Tdispatch"), (-2, "Rdispatch"), (64, "Tdrain"), (-64, "Rdrain"), (65, "Tping"), (-65, "Rping"),
        (66, "Tdiscarded"), (-66, "Rdiscarded"), (67, "Tlease"), (68, "Tinit"), (-68, "Rinit"), (-128, "Rerr"), (127, "Rerr"), (-62, "Tdiscarded"));

    public static void Register(FunctionRegistry r)
    {
        Unary(r, "protocol_name", Protocols);
        Unary(r, "http_resp_message", HttpStatus);
        Unary(r, "mysql_command_name", MysqlCommands);
        Unary(r, "cql_opcode_name", CqlOpcodes);
        Unary(r, "kafka_api_key_name", KafkaApiKeys);
        Unary(r, "amqp_frame_type_name", AmqpFrameTypes);
        Unary(r, "mux_frame_type_name", MuxTypes);
        r.Register(new ScalarFunction("amqp_method_name").Add([DataType.Int64, DataType.Int64], DataType.String, AmqpMethod));
    }

    private static void Unary(FunctionRegistry r, string name, NameTable table) =>
        r.Register(new ScalarFunction(name).Add([DataType.Int64], DataType.String, (a, n) => Lookup(table, a[0], n)));

    private static Column Lookup(NameTable table, in Datum codes, int n)
    {
        var b = new StringColumnBuilder(n, n * 12);
        if (codes.IsScalar)
        {
            var name = table.Get(codes.Scalar.Int, stackalloc byte[20]);
            for (var i = 0; i < n; i++)
            {
                b.Append(name);
            }

            return b.Build();
        }

        var v = ((Int64Column)codes.Column!).Values;
        Span<byte> scratch = stackalloc byte[20];
        for (var i = 0; i < n; i++)
        {
            b.Append(table.Get(v[i], scratch));
        }

        return b.Build();
    }

    private static Column AmqpMethod(ReadOnlySpan<Datum> args, int n)
    {
        var classes = (Int64Column)args[0].ToColumn(n);
        var methods = (Int64Column)args[1].ToColumn(n);
        var b = new StringColumnBuilder(n, n * 12);
        Span<byte> scratch = stackalloc byte[20];
        for (var i = 0; i < n; i++)
        {
            var (c, m) = (classes.Values[i], methods.Values[i]);
            b.Append(c is >= 0 and < 1_000_000 && m is >= 0 and < 1000 ? AmqpMethods.Get((c * 1000) + m, scratch) : "Unknown"u8);
        }

        return b.Build();
    }

    /// <summary>Code → UTF-8 name.</summary>
    private sealed class NameTable
    {
        private readonly Dictionary<long, byte[]> _names = [];

        public NameTable(params (long Code, string Name)[] entries)
        {
            foreach (var (code, name) in entries)
            {
                _names.TryAdd(code, Encoding.UTF8.GetBytes(name));
            }
        }

        /// <summary>The name of <paramref name="code"/>, or its decimal text written into <paramref name="scratch"/>.</summary>
        public ReadOnlySpan<byte> Get(long code, Span<byte> scratch)
        {
            if (_names.TryGetValue(code, out var name))
            {
                return name;
            }

            code.TryFormat(scratch, out var written, default, CultureInfo.InvariantCulture);
            return scratch[..written];
        }
    }
}
