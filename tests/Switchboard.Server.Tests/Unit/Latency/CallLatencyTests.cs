using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Calls;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit.Latency;

/// <summary>A live call's latency against the budget: the p95 per stage of its last 20 turns.</summary>
public class CallLatencyTests
{
    private static readonly LatencyBudget Budget = new();

    private static CallState Fold(params object[] turns)
    {
        var events = new List<StoredEvent> { Events.Stored(Events.Started("C1"), 1) };
        events.AddRange(turns.Select((t, i) => Events.Stored(Events.Make("C1", "m" + i, EventTypes.MetricsTurn, t), i + 2)));
        return CallProjection.Fold(events)!;
    }

    private static WallboardSummary Summary(CallState state) => WallboardSummary.From(state, Budget);

    [Fact]
    public void Of_fewer_than_20_turns_the_p95_is_the_slowest_and_only_the_stage_over_its_budget_is_flagged()
    {
        var state = Fold(
            new { sttMs = 200, llmTtftMs = 600, ttsTtfbMs = 120, e2eMs = 1400 },
            new { sttMs = 250, llmTtftMs = 1200, ttsTtfbMs = 150, e2eMs = 1900 },
            new { sttMs = 220, llmTtftMs = 700, ttsTtfbMs = 130, e2eMs = 1500 });

        Assert.Equal(["stt", "llmFirstToken", "ttsFirstByte", "endToEnd"], state.RecentLatency.Select(s => s.Stage));
        Assert.Equal([250, 1200, 150, 1900], state.RecentLatency.Select(s => s.P95Ms));
        var breach = Assert.Single(Summary(state).OverBudget!);
        Assert.Equal(new BudgetBreach("llmFirstToken", 1200, 800, 3), breach);
    }

    [Fact]
    public void Of_20_turns_one_slow_turn_is_not_the_p95_and_two_are()
    {
        var fast = Enumerable.Repeat<object>(new { llmTtftMs = 700 }, 19);
        var oneSlow = Fold([.. fast, new { llmTtftMs = 900 }]);
        Assert.Equal(700, oneSlow.RecentLatency.Single().P95Ms);
        Assert.Null(Summary(oneSlow).OverBudget);

        var twoSlow = Fold([.. fast.Skip(1), new { llmTtftMs = 900 }, new { llmTtftMs = 950 }]);
        Assert.Equal(new BudgetBreach("llmFirstToken", 900, 800, 20), Assert.Single(Summary(twoSlow).OverBudget!));
    }

    [Fact]
    public void A_turn_leaves_the_window_20_turns_later()
    {
        var slowStart = new object[] { new { e2eMs = 5000 }, new { e2eMs = 4000 } };
        var state = Fold([.. slowStart, .. Enumerable.Repeat<object>(new { e2eMs = 1000 }, 18)]);
        Assert.Equal(new BudgetBreach("endToEnd", 4000, 2000, 20), Assert.Single(Summary(state).OverBudget!));

        state = Fold([.. slowStart, .. Enumerable.Repeat<object>(new { e2eMs = 1000 }, 19)]);
        Assert.Equal<double>([4000, .. Enumerable.Repeat(1000.0, 19)], state.RecentLatency.Single().RecentMs.ToArray());
        Assert.Equal(1000, state.RecentLatency.Single().P95Ms);
        Assert.Null(Summary(state).OverBudget);
    }

    [Fact]
    public void A_turn_at_the_budget_is_within_it_and_a_turn_without_a_stage_leaves_the_stage_as_it_was()
    {
        var state = Fold(new { ttsTtfbMs = 300 }, new { sttMs = 501, promptTokens = 12 }, new { model = "gpt" });

        Assert.Equal([("stt", 501.0, 1), ("ttsFirstByte", 300.0, 1)], state.RecentLatency.Select(s => (s.Stage, s.P95Ms, s.RecentMs.Length)));
        Assert.Equal(new BudgetBreach("stt", 501, 500, 1), Assert.Single(Summary(state).OverBudget!));
        Assert.Equal(3, state.Turns);
    }

    [Fact]
    public void The_budget_comes_from_the_settings()
    {
        var state = Fold(new { llmTtftMs = 1200 });
        Assert.Null(WallboardSummary.From(state, new LatencyBudget { LlmFirstTokenMs = 1500 }).OverBudget);
    }
}
