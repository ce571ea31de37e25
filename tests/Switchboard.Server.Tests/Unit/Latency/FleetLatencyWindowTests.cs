using System.Text.Json;
using Switchboard.Server.Archive;
using Switchboard.Server.Latency;

namespace Switchboard.Server.Tests.Unit.Latency;

/// <summary>Every call's turns of the last five minutes, per stage, in 5 % buckets whose edge is the budget.</summary>
public class FleetLatencyWindowTests
{
    // On a 10-second step, as slices are.
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static JsonElement Turn(object data) => JsonSerializer.SerializeToElement(data);

    private static StageReading Llm(FleetLatencyWindow window, DateTimeOffset now) => window.Read(now).Single(r => r.Stage == "llmFirstToken");

    private static FleetLatencyWindow With(int count, double llmMs, FleetLatencyWindow? window = null, DateTimeOffset? at = null)
    {
        window ??= new FleetLatencyWindow(new LatencyBudget());
        for (var i = 0; i < count; i++)
        {
            window.Record(at ?? T0, Turn(new { llmTtftMs = llmMs }));
        }

        return window;
    }

    [Fact]
    public void The_p95_reads_as_its_buckets_upper_bound_and_is_over_the_budget_exactly_when_the_turns_are()
    {
        var oneSlow = With(1, 900, With(19, 700));
        Assert.Equal(new StageReading("llmFirstToken", 800, 20, 725.6, Over: false), Llm(oneSlow, T0));

        var twoSlow = With(2, 900, With(18, 700));
        Assert.Equal(new StageReading("llmFirstToken", 800, 20, 926.1, Over: true), Llm(twoSlow, T0));

        Assert.Equal(new StageReading("llmFirstToken", 800, 3, 800, Over: false), Llm(With(3, 800), T0));
        Assert.Equal(new StageReading("llmFirstToken", 800, 3, 840, Over: true), Llm(With(3, 801), T0));
    }

    [Fact]
    public void Each_stage_is_read_against_its_own_budget_and_a_stage_without_turns_has_no_p95()
    {
        var window = new FleetLatencyWindow(new LatencyBudget { SttMs = 400 });
        window.Record(T0, Turn(new { sttMs = 400, e2eMs = 2100 }));

        Assert.Equal(
            [
                new StageReading("stt", 400, 1, 400, Over: false),
                new StageReading("llmFirstToken", 800, 0, null, Over: false),
                new StageReading("ttsFirstByte", 300, 0, null, Over: false),
                new StageReading("endToEnd", 2000, 1, 2100, Over: true),
            ],
            window.Read(T0));
    }

    [Fact]
    public void A_turn_counts_for_five_minutes_and_leaves_at_the_next_ten_second_step()
    {
        var window = With(1, 1000, at: T0.AddSeconds(5));
        With(1, 500, window, T0.AddSeconds(65));

        Assert.Equal(2, Llm(window, T0.AddSeconds(5 + 300)).Turns);
        Assert.Equal(2, Llm(window, T0.AddSeconds(309.9)).Turns);
        Assert.Equal(new StageReading("llmFirstToken", 800, 1, 515.7, Over: false), Llm(window, T0.AddSeconds(310)));
        Assert.Equal(new StageReading("llmFirstToken", 800, 0, null, Over: false), Llm(window, T0.AddSeconds(370)));
    }

    [Fact]
    public void A_slot_is_reused_for_a_new_slice_and_a_turn_older_than_the_window_is_dropped()
    {
        var window = With(1, 1000, at: T0.AddSeconds(5));
        With(1, 500, window, T0.AddSeconds(315));
        Assert.Equal(1, Llm(window, T0.AddSeconds(315)).Turns);

        // Read back late from the log: its slot holds a newer slice.
        With(1, 1000, window, T0.AddSeconds(6));
        Assert.Equal(new StageReading("llmFirstToken", 800, 1, 515.7, Over: false), Llm(window, T0.AddSeconds(315)));
    }

    [Fact]
    public void Values_far_outside_the_budget_fall_in_the_end_buckets()
    {
        Assert.Equal(0, BudgetBuckets.IndexOf(0, 800));
        Assert.Equal(BudgetBuckets.Count - 1, BudgetBuckets.IndexOf(10_000_000, 800));
        Assert.Equal(0, BudgetBuckets.BucketOf(BudgetBuckets.IndexOf(800, 800)));
        Assert.Equal(1, BudgetBuckets.BucketOf(BudgetBuckets.IndexOf(800.01, 800)));
    }
}
