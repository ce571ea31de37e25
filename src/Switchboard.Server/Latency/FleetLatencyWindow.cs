using System.Text.Json;
using Switchboard.Server.Archive;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Latency;

/// <summary>
/// Every call's turn latencies of the last five minutes, per stage of the budget, in bounded memory:
/// <see cref="Slices"/> slices of <see cref="Slice"/>, each a count per <see cref="BudgetBuckets"/>
/// bucket and stage. A turn counts from when the server received it until 30 slices after its own
/// have begun: for at least five minutes and at most 5 min 10 s. Thread-safe.
/// </summary>
public sealed class FleetLatencyWindow
{
    /// <summary>The step in which turns leave the window.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromSeconds(10);

    /// <summary>How long a turn counts, at least.</summary>
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(5);

    /// <summary>The slices kept: those of the last five minutes and the one now filling.</summary>
    public static readonly int Slices = (int)(Span / Slice) + 1;

    private readonly Lock _gate = new();
    private readonly double[] _budgets;
    private readonly long[] _sliceOf;
    private readonly int[][][] _counts;

    /// <summary>Creates an empty window for these budgets.</summary>
    public FleetLatencyWindow(LatencyBudget budget)
    {
        _budgets = [.. LatencyBudget.Stages.Select(s => budget.Of(s.Stage))];
        _sliceOf = Enumerable.Repeat(long.MinValue, Slices).ToArray();
        _counts = [.. Enumerable.Range(0, Slices).Select(_ => LatencyBudget.Stages.Select(_ => new int[BudgetBuckets.Count]).ToArray())];
    }

    /// <summary>Counts the stages a <c>metrics.turn</c> received at <paramref name="receivedAt"/> reports.</summary>
    public void Record(DateTimeOffset receivedAt, JsonElement data)
    {
        var slice = receivedAt.UtcTicks / Slice.Ticks;
        var slot = (int)(slice % Slices);
        lock (_gate)
        {
            if (_sliceOf[slot] > slice)
            {
                // Older than anything the window keeps (read back from the log after a lag).
                return;
            }

            if (_sliceOf[slot] < slice)
            {
                foreach (var counts in _counts[slot])
                {
                    Array.Clear(counts);
                }

                _sliceOf[slot] = slice;
            }

            for (var i = 0; i < _budgets.Length; i++)
            {
                if (data.Num(LatencyBudget.Stages[i].Field) is { } ms)
                {
                    _counts[slot][i][BudgetBuckets.IndexOf(ms, _budgets[i])]++;
                }
            }
        }
    }

    /// <summary>Each stage's turns and p95 (nearest rank) in the window at <paramref name="now"/>, in the budget's order.</summary>
    public IReadOnlyList<StageReading> Read(DateTimeOffset now)
    {
        var oldest = now.UtcTicks / Slice.Ticks - (Slices - 1);
        var sums = new long[BudgetBuckets.Count];
        var readings = new StageReading[_budgets.Length];
        lock (_gate)
        {
            for (var i = 0; i < _budgets.Length; i++)
            {
                Array.Clear(sums);
                long total = 0;
                for (var slot = 0; slot < Slices; slot++)
                {
                    if (_sliceOf[slot] < oldest)
                    {
                        continue;
                    }

                    var counts = _counts[slot][i];
                    for (var b = 0; b < counts.Length; b++)
                    {
                        sums[b] += counts[b];
                        total += counts[b];
                    }
                }

                readings[i] = Reading(i, sums, total);
            }
        }

        return readings;
    }

    private StageReading Reading(int stage, long[] sums, long total)
    {
        var (name, budget) = (LatencyBudget.Stages[stage].Stage, _budgets[stage]);
        if (total == 0)
        {
            return new StageReading(name, budget, 0, null, false);
        }

        // Nearest rank, as the scorecard's p95: the smallest value with at least 95 % of the turns at or below it.
        var rank = (95 * total + 99) / 100;
        long seen = 0;
        var index = 0;
        while ((seen += sums[index]) < rank)
        {
            index++;
        }

        return new StageReading(name, budget, (int)Math.Min(int.MaxValue, total), BudgetBuckets.UpperBound(index, budget), BudgetBuckets.BucketOf(index) > 0);
    }
}
