using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// Per-group state of one aggregate inside an AggregateExec. Groups are dense ids 0..n-1. A partial aggregate
/// emits <see cref="State"/> columns; a final aggregate <see cref="Merge"/>s them and calls <see cref="Finish"/>.
/// </summary>
public abstract class Accumulator
{
    /// <summary>Types of the columns <see cref="State"/> returns (what crosses the wire between partial and final).</summary>
    public abstract IReadOnlyList<DataType> StateTypes { get; }

    /// <summary>Makes room for group ids below <paramref name="groups"/>.</summary>
    public abstract void EnsureGroups(int groups);

    /// <summary>Folds one batch of raw values in; <paramref name="groupIds"/>[i] is the group of row i.</summary>
    public abstract void Update(ReadOnlySpan<int> groupIds, Column values);

    /// <summary>
    /// Folds the rows <paramref name="rows"/> of <paramref name="values"/> in, row rows[i] into group groupIds[i]: a
    /// filter's selection vector, so filtered columns need not be copied. The default copies; the built-in
    /// accumulators override it with an indexed loop.
    /// </summary>
    public virtual void Update(ReadOnlySpan<int> groupIds, Column values, ReadOnlySpan<int> rows) =>
        Update(groupIds, ColumnGather.Gather(values, rows));

    /// <summary>Folds partial states in; <paramref name="state"/> follows <see cref="StateTypes"/>.</summary>
    public abstract void Merge(ReadOnlySpan<int> groupIds, IReadOnlyList<Column> state);

    public abstract Column[] State(int groups);

    public abstract Column Finish(int groups);

    protected static int Grow(int have, int need) => need <= have ? have : Math.Max(need, Math.Max(16, have * 2));
}

/// <summary>An aggregate UDA: resolves its result type from the argument type and creates accumulators.</summary>
public abstract class AggregateFunction(string name)
{
    public string Name { get; } = name;

    public abstract bool TryResolve(DataType arg, out DataType result);

    public virtual SemanticType ResultSemantic(SemanticType arg) => arg;

    public abstract Accumulator Create(DataType arg);

    /// <summary>The argument types this aggregate accepts, for error messages.</summary>
    public abstract string Accepts { get; }
}
