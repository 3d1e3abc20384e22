using PixieHost.Modules.Pxl.Logical;

namespace PixieHost.Modules.Pxl.Rules;

/// <summary>
/// Runs the rules over every sink until none changes the plan (at most <see cref="MaxPasses"/> passes), then the
/// placement rules once each.
/// </summary>
public sealed class Optimizer(IReadOnlyList<IRule>? rules = null, IReadOnlyList<IRule>? placementRules = null)
{
    public const int MaxPasses = 16;

    public IReadOnlyList<IRule> Rules { get; } = rules ??
        [new FoldConstantsRule(), new RemoveTrueFiltersRule(), new PushFilterDownRule(), new MergeTimeRangeRule(), new PushLimitRule(), new PruneColumnsRule(), new MergeMapsRule(), new RemoveIdentityMapRule()];

    /// <summary>Rules that decide where computation runs; they run once, after the plan has settled.</summary>
    public IReadOnlyList<IRule> PlacementRules { get; } = placementRules ?? [new PlaceMetadataRule()];

    /// <summary>The optimized query and the names of the rules that changed it, in the order they fired.</summary>
    public (LogicalQuery Query, IReadOnlyList<string> Applied) Optimize(LogicalQuery query)
    {
        var applied = new List<string>();
        var sinks = new List<LogicalSink>();
        foreach (var sink in query.Sinks)
        {
            LogicalPlan plan = sink;
            for (var pass = 0; pass < MaxPasses; pass++)
            {
                var any = false;
                foreach (var rule in Rules)
                {
                    plan = rule.Rewrite(plan, out var changed);
                    if (changed)
                    {
                        any = true;
                        if (!applied.Contains(rule.Name))
                        {
                            applied.Add(rule.Name);
                        }
                    }
                }

                if (!any)
                {
                    break;
                }
            }

            foreach (var rule in PlacementRules)
            {
                plan = rule.Rewrite(plan, out var changed);
                if (changed && !applied.Contains(rule.Name))
                {
                    applied.Add(rule.Name);
                }
            }

            sinks.Add((LogicalSink)plan);
        }

        return (query with { Sinks = sinks }, applied);
    }
}
