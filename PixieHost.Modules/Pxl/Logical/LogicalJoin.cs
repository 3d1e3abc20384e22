using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Logical;

/// <summary>Which rows a join keeps besides the matches (pandas/Pixie <c>how=</c>).</summary>
public enum JoinType
{
    Inner,
    Left,
    Right,
    Outer,
}

/// <summary>One output column of a join: a column of the left (0) or right (1) input, under its output name.</summary>
public sealed record JoinOutput(int Side, ColumnSchema Column, string Name)
{
    public override string ToString() => Side == 0 ? (Column.Name == Name ? Name : $"{Name}=left.{Column.Name}") : $"{Name}=right.{Column.Name}";
}

/// <summary>
/// <c>left.merge(right, how=, left_on=, right_on=, suffixes=)</c>: rows whose keys are equal, plus unmatched rows of
/// one or both sides for left/right/outer joins (missing values are the type's zero: Pixie has no nulls).
/// </summary>
public sealed class LogicalJoin : LogicalPlan
{
    public LogicalJoin(LogicalPlan left, LogicalPlan right, JoinType how, IReadOnlyList<string> leftKeys, IReadOnlyList<string> rightKeys, IReadOnlyList<JoinOutput> outputs)
    {
        Inputs = [left, right];
        How = how;
        LeftKeys = leftKeys;
        RightKeys = rightKeys;
        Outputs = outputs;
        Schema = outputs.Select(o => o.Column with { Name = o.Name }).ToArray();
    }

    public JoinType How { get; }

    public IReadOnlyList<string> LeftKeys { get; }

    public IReadOnlyList<string> RightKeys { get; }

    public IReadOnlyList<JoinOutput> Outputs { get; }

    public override IReadOnlyList<ColumnSchema> Schema { get; }

    public override IReadOnlyList<LogicalPlan> Inputs { get; }

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => new LogicalJoin(inputs[0], inputs[1], How, LeftKeys, RightKeys, Outputs);

    public LogicalJoin WithOutputs(IReadOnlyList<JoinOutput> outputs) => new(Inputs[0], Inputs[1], How, LeftKeys, RightKeys, outputs);

    public override string Describe() =>
        $"LogicalJoin: how={How.ToString().ToLowerInvariant()}, on=[{string.Join(", ", LeftKeys.Zip(RightKeys, (l, r) => $"left.{l}=right.{r}"))}], out=[{string.Join(", ", Outputs)}]";
}
