using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Logical;

/// <summary>Keeps the rows where <see cref="Predicate"/> (a BOOLEAN expression) is true.</summary>
public sealed class LogicalFilter(LogicalPlan input, LogicalExpr predicate) : LogicalPlan
{
    public LogicalExpr Predicate { get; } = predicate;

    public override IReadOnlyList<ColumnSchema> Schema => Input.Schema;

    public override IReadOnlyList<LogicalPlan> Inputs { get; } = [input];

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => new LogicalFilter(inputs[0], Predicate);

    public override string Describe() => $"LogicalFilter: {Predicate}";
}

/// <summary>Computes the output columns from expressions over the input (projection, <c>df.col = expr</c>, drop).</summary>
public sealed class LogicalMap : LogicalPlan
{
    public LogicalMap(LogicalPlan input, IReadOnlyList<NamedExpr> exprs)
    {
        Inputs = [input];
        Exprs = exprs;
        Schema = exprs.Select(e => new ColumnSchema(e.Name, e.Expr.Type, e.Expr.Semantic)).ToArray();
    }

    public IReadOnlyList<NamedExpr> Exprs { get; }

    public override IReadOnlyList<ColumnSchema> Schema { get; }

    public override IReadOnlyList<LogicalPlan> Inputs { get; }

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => new LogicalMap(inputs[0], Exprs);

    /// <summary>True when every output is an input column passed through under its own name.</summary>
    public bool IsPassThrough(string column) =>
        Exprs.Any(e => e.Name == column && e.Expr is ColumnExpr c && c.Name == column);

    public override string Describe() => $"LogicalMap: [{string.Join(", ", Exprs)}]";
}

/// <summary>
/// Groups by <see cref="GroupBy"/> (none: one group) and computes <see cref="Aggregates"/> per group. A split plan
/// runs it twice: <see cref="AggregateMode.Partial"/> on every node (output: keys, then each aggregate's state
/// columns) and <see cref="AggregateMode.Final"/> on the cluster over those states.
/// </summary>
public sealed class LogicalAggregate : LogicalPlan
{
    public LogicalAggregate(LogicalPlan input, IReadOnlyList<ColumnExpr> groupBy, IReadOnlyList<AggregateCall> aggregates, AggregateMode mode = AggregateMode.Single)
    {
        Inputs = [input];
        GroupBy = groupBy;
        Aggregates = aggregates;
        Mode = mode;
        var keys = groupBy.Select(g => new ColumnSchema(g.Name, g.Type, g.Semantic));
        var outputs = mode == AggregateMode.Partial
            ? aggregates.SelectMany(StateSchema)
            : aggregates.Select(a => new ColumnSchema(a.Name, a.Type, a.Semantic));
        Schema = keys.Concat(outputs).ToArray();
    }

    public IReadOnlyList<ColumnExpr> GroupBy { get; }

    public IReadOnlyList<AggregateCall> Aggregates { get; }

    public AggregateMode Mode { get; }

    public override IReadOnlyList<ColumnSchema> Schema { get; }

    public override IReadOnlyList<LogicalPlan> Inputs { get; }

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => new LogicalAggregate(inputs[0], GroupBy, Aggregates, Mode);

    public LogicalAggregate WithMode(AggregateMode mode, LogicalPlan input) => new(input, GroupBy, Aggregates, mode);

    /// <summary>The columns a partial aggregate emits for <paramref name="a"/>: <c>name</c>, or <c>name$0</c>, <c>name$1</c>… for multi-column states.</summary>
    public static IEnumerable<ColumnSchema> StateSchema(AggregateCall a)
    {
        var types = a.Function.Create(a.Argument.Type).StateTypes;
        return types.Select((t, i) => new ColumnSchema(types.Count == 1 ? a.Name : $"{a.Name}${i}", t));
    }

    public override string Describe() =>
        $"LogicalAggregate: {(Mode == AggregateMode.Single ? string.Empty : $"mode={Mode}, ")}groups=[{string.Join(", ", GroupBy)}], aggs=[{string.Join(", ", Aggregates)}]";
}

/// <summary>Where an aggregate runs when a plan is split between nodes and the cluster.</summary>
public enum AggregateMode
{
    /// <summary>On each node: raw rows in, per-group partial state out (e.g. mean → sum, count).</summary>
    Partial,

    /// <summary>On the cluster: partial states in (keys then state columns), merged and finished.</summary>
    Final,

    /// <summary>Everything in one place: raw rows in, finished values out.</summary>
    Single,
}

/// <summary>The first <see cref="Count"/> rows (<c>df.head(n)</c>).</summary>
public sealed class LogicalLimit(LogicalPlan input, long count) : LogicalPlan
{
    public long Count { get; } = count;

    public override IReadOnlyList<ColumnSchema> Schema => Input.Schema;

    public override IReadOnlyList<LogicalPlan> Inputs { get; } = [input];

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => new LogicalLimit(inputs[0], Count);

    public override string Describe() => $"LogicalLimit: {Count}";
}

/// <summary>A named result table (<c>px.display(df, name)</c>).</summary>
public sealed class LogicalSink(LogicalPlan input, string name) : LogicalPlan
{
    public string Name { get; } = name;

    public override IReadOnlyList<ColumnSchema> Schema => Input.Schema;

    public override IReadOnlyList<LogicalPlan> Inputs { get; } = [input];

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => new LogicalSink(inputs[0], Name);

    public override string Describe() => $"LogicalSink: name={Name} {Relation(Schema)}";
}

/// <summary>A compiled script: one sink per displayed table, plus the query flags.</summary>
public sealed record LogicalQuery(IReadOnlyList<LogicalSink> Sinks, IReadOnlyDictionary<string, string> Flags)
{
    public string Explain() => string.Join("\n", Sinks.Select(s => s.Explain()));
}

/// <summary>The rows of every input, one after the other (<c>df.append(other)</c>); inputs share one relation.</summary>
public sealed class LogicalUnion(IReadOnlyList<LogicalPlan> inputs) : LogicalPlan
{
    public override IReadOnlyList<ColumnSchema> Schema => Inputs[0].Schema;

    public override IReadOnlyList<LogicalPlan> Inputs { get; } = inputs;

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => new LogicalUnion(inputs);

    public override string Describe() => $"LogicalUnion: inputs={Inputs.Count}";
}

/// <summary>
/// The cluster side of a cut: the rows every node produced for node fragment <see cref="FragmentId"/>, in arrival order.
/// </summary>
public sealed class LogicalRemoteSource(int fragmentId, IReadOnlyList<ColumnSchema> schema) : LogicalPlan
{
    public int FragmentId { get; } = fragmentId;

    public override IReadOnlyList<ColumnSchema> Schema { get; } = schema;

    public override IReadOnlyList<LogicalPlan> Inputs => [];

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => this;

    public override string Describe() => $"LogicalRemoteSource: fragment={FragmentId} {Relation(Schema)}";
}
