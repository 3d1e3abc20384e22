using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Logical;

/// <summary>A source whose rows a table function computes (<c>px.GetSchemas()</c>, <c>px.GetAgentStatus()</c>, …).</summary>
public sealed class LogicalUdtfSource(TableFunction function, UdtfContext context) : LogicalPlan
{
    public TableFunction Function { get; } = function;

    /// <summary>What the function reads when it runs, captured at compile time.</summary>
    public UdtfContext Context { get; } = context;

    public override IReadOnlyList<ColumnSchema> Schema => Function.Relation.Columns;

    public override IReadOnlyList<LogicalPlan> Inputs => [];

    public override LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs) => this;

    public override string Describe() => $"LogicalUdtfSource: udtf={Function.Name}, executor={Function.Executor} {Relation(Schema)}";
}
