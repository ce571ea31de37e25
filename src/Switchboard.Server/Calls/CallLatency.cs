using System.Collections.Immutable;
using System.Text.Json;
using Switchboard.Server.Archive;

namespace Switchboard.Server.Calls;

/// <summary>
/// A call's latency against the budget, live: per stage of <see cref="LatencyBudget.Stages"/>, the
/// p95 of its last <see cref="Window"/> turns that reported the stage. The p95 is nearest-rank, as
/// the scorecard's, so of fewer than 20 turns it is their slowest: while a call has had fewer
/// turns, its flag says what its scorecard's latency criterion would say if it ended now.
/// </summary>
public static class CallLatency
{
    /// <summary>How many of the call's latest turns each stage's p95 is read from.</summary>
    public const int Window = 20;

    /// <summary>The stages after a <c>metrics.turn</c> with this data, in the budget's order (the same list when it reports none).</summary>
    public static ImmutableArray<StageLatency> Next(ImmutableArray<StageLatency> stages, JsonElement data)
    {
        var current = stages.IsDefault ? [] : stages;
        if (!LatencyBudget.Stages.Any(s => data.Num(s.Field) is not null))
        {
            return current;
        }

        var next = ImmutableArray.CreateBuilder<StageLatency>(LatencyBudget.Stages.Count);
        foreach (var (stage, field) in LatencyBudget.Stages)
        {
            var before = Find(current, stage);
            if (data.Num(field) is not { } ms)
            {
                if (before is not null)
                {
                    next.Add(before);
                }

                continue;
            }

            var recent = before is null ? [ms] : before.RecentMs.Length < Window ? before.RecentMs.Add(ms) : before.RecentMs.RemoveAt(0).Add(ms);
            next.Add(new StageLatency(stage, CallSummaryProjection.Percentile([.. recent.Order()], 95), recent));
        }

        return next.ToImmutable();
    }

    /// <summary>The stages whose recent p95 is over the budget, in the budget's order; null when none is.</summary>
    public static IReadOnlyList<BudgetBreach>? OverBudget(ImmutableArray<StageLatency> stages, LatencyBudget budget)
    {
        List<BudgetBreach>? over = null;
        foreach (var s in stages.IsDefault ? [] : stages)
        {
            var limit = budget.Of(s.Stage);
            if (s.P95Ms > limit)
            {
                (over ??= []).Add(new BudgetBreach(s.Stage, s.P95Ms, limit, s.RecentMs.Length));
            }
        }

        return over;
    }

    private static StageLatency? Find(ImmutableArray<StageLatency> stages, string stage)
    {
        foreach (var s in stages)
        {
            if (s.Stage == stage)
            {
                return s;
            }
        }

        return null;
    }
}
