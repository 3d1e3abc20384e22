using System.Text;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Logical;

/// <summary>
/// A node of the logical plan: what to compute, not how. Nodes are immutable; rules build new trees with
/// <see cref="WithInputs"/>. <see cref="Schema"/> is the relation the node outputs.
/// </summary>
public abstract class LogicalPlan
{
    public abstract IReadOnlyList<ColumnSchema> Schema { get; }

    public abstract IReadOnlyList<LogicalPlan> Inputs { get; }

    public LogicalPlan Input => Inputs[0];

    public abstract LogicalPlan WithInputs(IReadOnlyList<LogicalPlan> inputs);

    /// <summary>One line: the node name and its parameters, as EXPLAIN prints it.</summary>
    public abstract string Describe();

    public ColumnSchema? Find(string column)
    {
        foreach (var c in Schema)
        {
            if (c.Name == column)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The tree, one node per line, children indented by two spaces.</summary>
    public string Explain()
    {
        var sb = new StringBuilder();
        Append(sb, this, 0);
        return sb.ToString();
    }

    public override string ToString() => Describe();

    private static void Append(StringBuilder sb, LogicalPlan node, int depth)
    {
        sb.Append(' ', depth * 2).Append(node.Describe()).Append('\n');
        foreach (var input in node.Inputs)
        {
            Append(sb, input, depth + 1);
        }
    }

    protected static string Relation(IReadOnlyList<ColumnSchema> columns) =>
        "[" + string.Join(", ", columns.Select(c => $"{c.Name}:{Names.Of(c.Type)}")) + "]";
}
