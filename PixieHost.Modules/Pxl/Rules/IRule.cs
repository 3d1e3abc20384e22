using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>An optimizer rule: rewrites a plan and says whether it changed anything.</summary>
public interface IRule
{
    /// <summary>The rule's name as EXPLAIN lists it; matches the type and file name.</summary>
    string Name { get; }

    LogicalPlan Rewrite(LogicalPlan plan, out bool changed);
}
