using System.Text.Json.Nodes;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit;

/// <summary>The fold of a call into its summary, on a fixture with known times and outcomes.</summary>
public sealed class CallSummaryProjectionTests
{
    private const string Call = "fixture";

    [Fact]
    public void The_agents_events_give_exact_times_talk_dead_air_latency_tokens_and_cost_from_their_own_times()
    {
        var summary = CallSummaryProjection.Fold(ArchiveFixture.Stored(ArchiveFixture.AgentEvents(Call)), ArchiveFixture.Options)!;

        ArchiveFixture.AssertAgentFigures(summary);
        Assert.Equal(13, summary.LastSeq);
        Assert.Equal((0, 0, 0, 0), (summary.Escalations.Count, summary.Guidance, summary.Takeovers, summary.Alerts));
        Assert.Null(summary.Sentiment);
        Assert.Null(summary.HighestAttention);
    }

    [Fact]
    public void Escalations_interventions_sentiment_and_alerts_are_counted_and_timed()
    {
        JsonObject[] server =
        [
            Events.Make(Call, "r1", EventTypes.EscalationRequested, new { requestId = "r1", question = "Refund after 30 days?" }, 13),
            Events.Make(Call, "s1", EventTypes.SentimentScored, new { segmentId = "seg-c1", label = "negative", score = -0.4 }, 8),
            Events.Make(Call, "al1", EventTypes.AlertRaised, new { score = 0.72, reasons = new[] { "negative sentiment" } }, 14),
            Events.Make(Call, "g1", EventTypes.SupervisorGuidance, new { commandId = "cmd1", text = "Offer the refund", by = "ana" }, 20),
            Events.Make(Call, "ans1", EventTypes.EscalationAnswered, new { requestId = "r1", answer = "Yes", by = "ana" }, 43),
            Events.Make(Call, "r2", EventTypes.EscalationRequested, new { requestId = "r2", question = "Store credit?" }, 44),
            Events.Make(Call, "to2", EventTypes.EscalationTimedOut, new { requestId = "r2" }, 46),
            Events.Make(Call, "r3", EventTypes.EscalationRequested, new { requestId = "r3", question = "Still there?" }, 58),
            Events.Make(Call, "s2", EventTypes.SentimentScored, new { segmentId = "seg-c2", label = "positive", score = 0.6 }, 52),
            Events.Make(Call, "al2", EventTypes.AlertRaised, new { score = 0.55, reasons = new[] { "long hold" } }, 53),
            Events.Make(Call, "tk1", EventTypes.ControlTakeover, new { by = "ana" }, 54),
        ];
        var events = ArchiveFixture.AgentEvents(Call).ToList();
        events.InsertRange(events.Count - 1, server);

        var summary = CallSummaryProjection.Fold(ArchiveFixture.Stored(events), ArchiveFixture.Options)!;

        // r1 answered after 30 s, r2 timed out after 2 s, r3 still open at the end (2 s): 34 s on hold.
        Assert.Equal(new EscalationFigures(3, 1, 1, 30, 30), summary.Escalations);
        Assert.Equal(34, summary.HoldSeconds);
        Assert.Equal((1, 1, false), (summary.Guidance, summary.Takeovers, summary.Contained));
        Assert.Equal(new SentimentFigures(-0.4, 0.6, -0.4, 0.1), summary.Sentiment);
        Assert.Equal((0.72, 2), (summary.HighestAttention, summary.Alerts));
        // The rest is as before: the server's events change no agent figure.
        Assert.Equal(60, summary.HandleSeconds);
        Assert.Equal(new CostFigures(0.6899, 0.675, 0.0024, 0.0025, 0.01), summary.Cost);
    }

    [Fact]
    public void A_call_that_has_not_ended_has_no_end_and_a_late_event_after_the_end_changes_only_what_it_adds()
    {
        var events = ArchiveFixture.AgentEvents(Call).ToList();
        var open = CallSummaryProjection.Fold(ArchiveFixture.Stored(events.Take(events.Count - 1)), ArchiveFixture.Options)!;
        Assert.Null(open.EndedAt);
        Assert.Equal(0, open.HandleSeconds);

        events.Add(Events.Make(Call, "late", EventTypes.ToolCalled, new { toolCallId = "tc9", name = "send_survey" }, 70));
        events.Add(Events.Make(Call, "end-again", EventTypes.CallEnded, new { reason = "completed" }, 80));
        var late = CallSummaryProjection.Fold(ArchiveFixture.Stored(events), ArchiveFixture.Options)!;
        Assert.Equal((60, "transferred", 2, 15L), (late.HandleSeconds, late.EndReason, late.ToolCalls, late.LastSeq));
    }

    [Fact]
    public void A_correction_of_a_segment_counts_once_and_overlapping_speech_is_no_silence()
    {
        JsonObject Segment(string id, string speaker, int from, int to) => Events.Make(
            Call, id + from, EventTypes.TranscriptFinal, new { speaker, segmentId = id, text = "words", startedAt = Events.T0.AddSeconds(from), endedAt = Events.T0.AddSeconds(to) }, from);
        JsonObject[] events =
        [
            Events.Make(Call, "start", EventTypes.CallStarted, new { agentName = "a" }, 0),
            Segment("s1", "agent", 0, 10),
            Segment("s2", "customer", 4, 6), // inside the agent's turn
            Segment("s1", "agent", 0, 8), // the agent's segment corrected: 8 s, not 10 + 8
            Segment("s3", "customer", 12, 13), // 12 - 8 = 4 s of silence
            Events.Make(Call, "end", EventTypes.CallEnded, new { reason = "completed" }, 20),
        ];

        var summary = CallSummaryProjection.Fold(ArchiveFixture.Stored(events), ArchiveFixture.Options)!;

        Assert.Equal(new Dictionary<string, double> { ["agent"] = 8, ["customer"] = 3 }, summary.TalkSeconds);
        Assert.Equal((4, 1), (summary.DeadAirSeconds, summary.DeadAirGaps));
        Assert.True(summary.Contained);
        // No caller number: no telephony; speech as counted above.
        Assert.Equal(new CostFigures(0.0052, 0, 0.0012, 0.004, 0), summary.Cost);
    }

    [Fact]
    public void Histogram_percentiles_are_within_eight_percent_above_the_exact_ones_and_a_rollup_taken_out_is_empty()
    {
        var values = Enumerable.Range(1, 1000).Select(i => i * 7.3).ToList();
        var buckets = Histogram.Of(values);
        foreach (var p in new[] { 50.0, 90, 95, 99 })
        {
            var exact = CallSummaryProjection.Percentile(values, p);
            Assert.InRange(Histogram.Percentile(buckets, p)!.Value, exact, exact * 1.08 + 0.1);
        }

        Assert.Null(Histogram.Percentile(new SortedDictionary<int, long>(), 50));
        var summary = CallSummaryProjection.Fold(ArchiveFixture.Stored(ArchiveFixture.AgentEvents(Call)), ArchiveFixture.Options)!;
        var rollup = new CallRollup();
        rollup.Add(summary, 1);
        Assert.Equal((1L, 60.0, 11.0, 1L, 0L, 0.6899), (rollup.Calls, rollup.HandleSeconds, rollup.TalkSeconds, rollup.Transferred, rollup.Completed, rollup.Cost));
        rollup.Add(summary, -1);
        Assert.True(rollup.IsEmpty);
        Assert.Empty(rollup.LatencyBuckets);
        Assert.Equal(0, rollup.Cost);
    }
}
