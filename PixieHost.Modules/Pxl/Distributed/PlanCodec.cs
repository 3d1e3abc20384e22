using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.Plan;
using VizierPb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.Pxl.Distributed;

/// <summary>
/// Logical plans to and from <c>px.internal.planpb</c> messages. Functions travel by name and are resolved again on
/// the receiving side from its own <see cref="FunctionRegistry"/> and the argument types, so every process runs its
/// own kernels (and its own metadata). A plan naming a function or table the receiver lacks fails with
/// <see cref="PlanDecodeException"/>.
/// </summary>
public sealed class PlanCodec(FunctionRegistry functions, ITableCatalog catalog, IAgentStatusSource agents)
{
    public static Pb.DistributedPlan Encode(DistributedPlan plan)
    {
        var pb = new Pb.DistributedPlan { MaxRowsPerTable = plan.MaxRowsPerTable };
        pb.NodeFragments.AddRange(plan.NodeFragments.Select(Encode));
        pb.ClusterSinks.AddRange(plan.ClusterSinks.Select(s => new Pb.Sink { Name = s.Name, Input = Encode(s.Input) }));
        return pb;
    }

    public static Pb.Fragment Encode(PlanFragment fragment) => new() { Id = fragment.Id, Root = Encode(fragment.Root) };

    public static Pb.Node Encode(LogicalPlan node) => node switch
    {
        LogicalSource s => new Pb.Node { Source = EncodeSource(s) },
        LogicalUdtfSource u => new Pb.Node { Udtf = new Pb.UdtfSource { Function = u.Function.Name } },
        LogicalFilter f => new Pb.Node { Filter = new Pb.Filter { Input = Encode(f.Input), Predicate = Encode(f.Predicate) } },
        LogicalMap m => new Pb.Node { Map = EncodeMap(m) },
        LogicalAggregate a => new Pb.Node { Aggregate = EncodeAggregate(a) },
        LogicalLimit l => new Pb.Node { Limit = new Pb.Limit { Input = Encode(l.Input), Count = l.Count } },
        LogicalUnion u => new Pb.Node { Union = EncodeUnion(u) },
        LogicalJoin j => new Pb.Node { Join = EncodeJoin(j) },
        LogicalRemoteSource r => new Pb.Node { Remote = EncodeRemote(r) },
        _ => throw new NotSupportedException($"{node.GetType().Name} cannot be sent to another process."),
    };

    public DistributedPlan Decode(Pb.DistributedPlan pb, long nowNs) => new(
        pb.NodeFragments.Select(f => Decode(f, nowNs)).ToArray(),
        pb.ClusterSinks.Select(s => new LogicalSink(Decode(Need(s.Input, "a sink's input"), nowNs), s.Name)).ToArray(),
        pb.MaxRowsPerTable);

    public PlanFragment Decode(Pb.Fragment pb, long nowNs) => new(pb.Id, Decode(Need(pb.Root, "a fragment's root"), nowNs));

    public LogicalPlan Decode(Pb.Node pb, long nowNs) => pb.OpCase switch
    {
        Pb.Node.OpOneofCase.Source => DecodeSource(pb.Source),
        Pb.Node.OpOneofCase.Udtf => DecodeUdtf(pb.Udtf, nowNs),
        Pb.Node.OpOneofCase.Filter => DecodeFilter(pb.Filter, nowNs),
        Pb.Node.OpOneofCase.Map => new LogicalMap(Input(pb.Map.Input, nowNs), pb.Map.Exprs.Select(e => new NamedExpr(e.Name, Decode(Need(e.Expr, "a map expression")))).ToArray()),
        Pb.Node.OpOneofCase.Aggregate => DecodeAggregate(pb.Aggregate, nowNs),
        Pb.Node.OpOneofCase.Limit => new LogicalLimit(Input(pb.Limit.Input, nowNs), pb.Limit.Count),
        Pb.Node.OpOneofCase.Union => DecodeUnion(pb.Union, nowNs),
        Pb.Node.OpOneofCase.Join => DecodeJoin(pb.Join, nowNs),
        Pb.Node.OpOneofCase.Remote => new LogicalRemoteSource(pb.Remote.FragmentId, pb.Remote.Columns.Select(Decode).ToArray()),
        _ => throw new PlanDecodeException("a plan node has no operator; the sender runs a newer version."),
    };

    private static T Need<T>(T? value, string what)
        where T : class =>
        value ?? throw new PlanDecodeException($"{what} is missing.");

    private LogicalPlan Input(Pb.Node? node, long nowNs) => Decode(Need(node, "an operator's input"), nowNs);

    private LogicalFilter DecodeFilter(Pb.Filter pb, long nowNs)
    {
        var predicate = Decode(Need(pb.Predicate, "a filter's predicate"));
        if (predicate.Type != DataType.Boolean)
        {
            throw new PlanDecodeException($"a filter's predicate is {Names.Of(predicate.Type)}, not BOOLEAN.");
        }

        return new LogicalFilter(Input(pb.Input, nowNs), predicate);
    }

    private LogicalUnion DecodeUnion(Pb.Union pb, long nowNs)
    {
        var inputs = pb.Inputs.Select(i => Decode(i, nowNs)).ToArray();
        if (inputs.Length == 0 || inputs.Any(i => i.Schema.Count != inputs[0].Schema.Count))
        {
            throw new PlanDecodeException("a union needs inputs of one relation.");
        }

        return new LogicalUnion(inputs);
    }

    private static DataType Type(int value) =>
        Enum.IsDefined((DataType)value) && value != 0 ? (DataType)value : throw new PlanDecodeException($"data type {value} is not known here.");

    private static SemanticType Semantic(int value) =>
        Enum.IsDefined((SemanticType)value) ? (SemanticType)value : throw new PlanDecodeException($"semantic type {value} is not known here.");

    private static Pb.Source EncodeSource(LogicalSource s)
    {
        var pb = new Pb.Source { Table = s.Table.Name, TimeColumn = s.Table.TimeColumnIndex };
        pb.TableColumns.AddRange(s.Table.Columns.Select(Encode));
        pb.Columns.AddRange(s.Columns);
        if (s.StartNs is { } start)
        {
            pb.StartNs = start;
        }

        if (s.EndNs is { } end)
        {
            pb.EndNs = end;
        }

        return pb;
    }

    private LogicalSource DecodeSource(Pb.Source pb)
    {
        var sent = new TableSchema(pb.Table, pb.TableColumns.Select(Decode).ToArray());
        var table = catalog.TryGetSchema(pb.Table, out var local) && SameRelation(local, sent) ? local : sent;
        foreach (var c in pb.Columns)
        {
            if (table.IndexOf(c) < 0)
            {
                throw new PlanDecodeException($"table {pb.Table} has no column {c} here.");
            }
        }

        return new LogicalSource(table, pb.Columns.ToArray(), pb.HasStartNs ? pb.StartNs : null, pb.HasEndNs ? pb.EndNs : null);
    }

    private static bool SameRelation(TableSchema a, TableSchema b) =>
        a.Count == b.Count && a.Columns.Zip(b.Columns).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type);

    private LogicalUdtfSource DecodeUdtf(Pb.UdtfSource pb, long nowNs)
    {
        var f = functions.TableFunctions.FirstOrDefault(t => t.Name == pb.Function)
            ?? throw new PlanDecodeException($"table function {pb.Function} is not known here.");
        return new LogicalUdtfSource(f, new UdtfContext(catalog, functions, agents, nowNs));
    }

    private static Pb.Map EncodeMap(LogicalMap m)
    {
        var pb = new Pb.Map { Input = Encode(m.Input) };
        pb.Exprs.AddRange(m.Exprs.Select(e => new Pb.NamedExpr { Name = e.Name, Expr = Encode(e.Expr) }));
        return pb;
    }

    private static Pb.Aggregate EncodeAggregate(LogicalAggregate a)
    {
        var pb = new Pb.Aggregate { Input = Encode(a.Input), Mode = (int)a.Mode };
        pb.GroupBy.AddRange(a.GroupBy.Select(g => Encode(new ColumnSchema(g.Name, g.Type, g.Semantic))));
        pb.Aggregates.AddRange(a.Aggregates.Select(c => new Pb.AggregateCall
        {
            Name = c.Name,
            Function = c.Function.Name,
            Argument = Encode(new ColumnSchema(c.Argument.Name, c.Argument.Type, c.Argument.Semantic)),
            Type = (int)c.Type,
            Semantic = (int)c.Semantic,
        }));
        return pb;
    }

    private LogicalAggregate DecodeAggregate(Pb.Aggregate pb, long nowNs)
    {
        if (pb.Mode is < 0 or > (int)AggregateMode.Single)
        {
            throw new PlanDecodeException($"aggregate mode {pb.Mode} is not known here.");
        }

        var groups = pb.GroupBy.Select(g => ColumnRef(Decode(g))).ToArray();
        var calls = pb.Aggregates.Select(c =>
        {
            if (!functions.TryGetAggregate(c.Function, out var f))
            {
                throw new PlanDecodeException($"aggregate {c.Function} is not known here.");
            }

            var argument = ColumnRef(Decode(Need(c.Argument, "an aggregate's argument")));
            if (!f.TryResolve(argument.Type, out _))
            {
                throw new PlanDecodeException($"aggregate {c.Function} does not take {Names.Of(argument.Type)}.");
            }

            return new AggregateCall(c.Name, f, argument, Type(c.Type), Semantic(c.Semantic));
        }).ToArray();
        var input = Input(pb.Input, nowNs);
        var inputColumns = input.Schema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var column in groups.Select(g => g.Name).Concat(calls.Select(c => c.Argument.Name)))
        {
            if ((AggregateMode)pb.Mode != AggregateMode.Final && !inputColumns.Contains(column))
            {
                throw new PlanDecodeException($"an aggregate reads column {column}, which its input does not have.");
            }
        }

        return new LogicalAggregate(input, groups, calls, (AggregateMode)pb.Mode);
    }

    private static Pb.Union EncodeUnion(LogicalUnion u)
    {
        var pb = new Pb.Union();
        pb.Inputs.AddRange(u.Inputs.Select(Encode));
        return pb;
    }

    private static Pb.Join EncodeJoin(LogicalJoin j)
    {
        var pb = new Pb.Join { Left = Encode(j.Inputs[0]), Right = Encode(j.Inputs[1]), How = (int)j.How };
        pb.LeftKeys.AddRange(j.LeftKeys);
        pb.RightKeys.AddRange(j.RightKeys);
        pb.Outputs.AddRange(j.Outputs.Select(o => new Pb.JoinOutput { Side = o.Side, Column = Encode(o.Column), Name = o.Name }));
        return pb;
    }

    private LogicalJoin DecodeJoin(Pb.Join pb, long nowNs)
    {
        if (pb.How is < 0 or > (int)JoinType.Outer || pb.LeftKeys.Count != pb.RightKeys.Count || pb.Outputs.Any(o => o.Side is not (0 or 1)))
        {
            throw new PlanDecodeException("a join's type, keys or outputs are not valid.");
        }

        return new LogicalJoin(
            Input(pb.Left, nowNs),
            Input(pb.Right, nowNs),
            (JoinType)pb.How,
            pb.LeftKeys.ToArray(),
            pb.RightKeys.ToArray(),
            pb.Outputs.Select(o => new JoinOutput(o.Side, Decode(Need(o.Column, "a join output's column")), o.Name)).ToArray());
    }

    private static Pb.RemoteSource EncodeRemote(LogicalRemoteSource r)
    {
        var pb = new Pb.RemoteSource { FragmentId = r.FragmentId };
        pb.Columns.AddRange(r.Schema.Select(Encode));
        return pb;
    }

    private static Pb.ColumnDef Encode(ColumnSchema c) => new() { Name = c.Name, Type = (int)c.Type, Semantic = (int)c.Semantic };

    private static ColumnSchema Decode(Pb.ColumnDef c) => new(c.Name, Type(c.Type), Semantic(c.Semantic));

    private static ColumnExpr ColumnRef(ColumnSchema c) => new(c.Name, c.Type, c.Semantic);

    public static Pb.Expr Encode(LogicalExpr e)
    {
        var pb = new Pb.Expr { Type = (int)e.Type, Semantic = (int)e.Semantic };
        switch (e)
        {
            case ColumnExpr c:
                pb.Column = c.Name;
                break;
            case LiteralExpr l:
                pb.Literal = EncodeLiteral(l);
                break;
            case FunctionExpr f:
                pb.Call = new Pb.Call { Function = f.Function.Name, Placement = f.Placement ?? string.Empty };
                pb.Call.Args.AddRange(f.Args.Select(Encode));
                break;
            default:
                throw new NotSupportedException($"{e.GetType().Name} cannot be sent to another process.");
        }

        return pb;
    }

    public LogicalExpr Decode(Pb.Expr pb)
    {
        var type = Type(pb.Type);
        var semantic = Semantic(pb.Semantic);
        switch (pb.KindCase)
        {
            case Pb.Expr.KindOneofCase.Column:
                return new ColumnExpr(pb.Column, type, semantic);
            case Pb.Expr.KindOneofCase.Literal:
                var value = DecodeLiteral(pb.Literal);
                if (LiteralType(value, type) != type)
                {
                    throw new PlanDecodeException($"a literal of {value.GetType().Name} is declared {Names.Of(type)}.");
                }

                return new LiteralExpr(value, type, semantic);
            case Pb.Expr.KindOneofCase.Call:
                var args = pb.Call.Args.Select(Decode).ToArray();
                if (!functions.TryGetScalar(pb.Call.Function, out var f) || !f.TryResolve(args.Select(a => a.Type).ToArray(), out var overload))
                {
                    throw new PlanDecodeException($"function {pb.Call.Function}({string.Join(", ", args.Select(a => Names.Of(a.Type)))}) is not known here.");
                }

                if (overload.ReturnType != type)
                {
                    throw new PlanDecodeException($"{pb.Call.Function} returns {Names.Of(overload.ReturnType)} here, the plan says {Names.Of(type)}.");
                }

                return new FunctionExpr(f, overload, args) { Placement = pb.Call.Placement.Length == 0 ? null : pb.Call.Placement };
            default:
                throw new PlanDecodeException("an expression has no kind; the sender runs a newer version.");
        }
    }

    private static VizierPb.ScalarValue EncodeLiteral(LiteralExpr l) => l.Value switch
    {
        bool b => new VizierPb.ScalarValue { DataType = VizierPb.DataType.Boolean, BoolValue = b },
        long v when l.Type == DataType.Time64NS => new VizierPb.ScalarValue { DataType = VizierPb.DataType.Time64Ns, Time64NsValue = v },
        long v => new VizierPb.ScalarValue { DataType = VizierPb.DataType.Int64, Int64Value = v },
        double d => new VizierPb.ScalarValue { DataType = VizierPb.DataType.Float64, Float64Value = d },
        string s => new VizierPb.ScalarValue { DataType = VizierPb.DataType.String, StringValue = s },
        UInt128 u => new VizierPb.ScalarValue
        {
            DataType = VizierPb.DataType.Uint128,
            Uint128Value = new VizierPb.UInt128 { High = (ulong)(u >> 64), Low = (ulong)u },
        },
        _ => throw new NotSupportedException($"A literal of {l.Value.GetType().Name} cannot be sent to another process."),
    };

    private static DataType LiteralType(object value, DataType declared) => value switch
    {
        bool => DataType.Boolean,
        long when declared == DataType.Time64NS => DataType.Time64NS,
        long => DataType.Int64,
        double => DataType.Float64,
        string => DataType.String,
        UInt128 => DataType.UInt128,
        _ => DataType.Unknown,
    };

    private static object DecodeLiteral(VizierPb.ScalarValue v) => v.ValueCase switch
    {
        VizierPb.ScalarValue.ValueOneofCase.BoolValue => v.BoolValue,
        VizierPb.ScalarValue.ValueOneofCase.Int64Value => v.Int64Value,
        VizierPb.ScalarValue.ValueOneofCase.Time64NsValue => v.Time64NsValue,
        VizierPb.ScalarValue.ValueOneofCase.Float64Value => v.Float64Value,
        VizierPb.ScalarValue.ValueOneofCase.StringValue => v.StringValue,
        VizierPb.ScalarValue.ValueOneofCase.Uint128Value => new UInt128(v.Uint128Value.High, v.Uint128Value.Low),
        _ => throw new PlanDecodeException("a literal has no value; the sender runs a newer version."),
    };
}

/// <summary>A plan this process cannot run: the message says what is missing.</summary>
public sealed class PlanDecodeException(string message) : Exception($"Cannot run the plan fragment: {message}");
