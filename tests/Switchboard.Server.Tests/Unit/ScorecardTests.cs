using System.Text.Json.Nodes;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit;

/// <summary>The scorecard's rules on the fixture call, whose times and turns are known.</summary>
public sealed class ScorecardTests
{
    private const string Call = "scored";

    [Fact]
    public void The_fixture_passes_its_greeting_fails_dead_air_and_the_latency_budget_and_is_flagged()
    {
        var result = Score(new ScorecardOptions());

        Assert.Equal(["greeting:True", "no-dead-air:False", "latency-budget:False"], result.Criteria!.Select(c => $"{c.Id}:{c.Passed}"));
        // Weights 1 + 1 + 2, of which the greeting's 1 passed; escalations, disclosure and sentiment do not apply.
        Assert.Equal((25.0, true), (result.Score!.Value, result.Flagged!.Value));
        Assert.Equal("Longest silence 38 s (at most 5 s).", result.Criteria![1].Detail);
        Assert.Equal("llmFirstToken p95 900 ms > 800 ms; ttsFirstByte p95 350 ms > 300 ms; endToEnd p95 2100 ms > 2000 ms.", result.Criteria![2].Detail);
        Assert.Equal(("default", 1), (result.Scorecard, result.Version));
    }

    [Fact]
    public void A_required_disclosure_never_said_is_critical_and_a_said_one_passes()
    {
        var options = ArchiveFixture.PassingScorecard;
        options.RequiredDisclosure = "this call may be recorded";
        var missing = Score(options);
        Assert.Equal((false, true), (missing.Criteria!.Single(c => c.Id == "disclosure").Passed, missing.Flagged!.Value));
        // Greeting 1 + dead air 1 + latency 2 passed of 6.
        Assert.Equal(66.7, missing.Score);

        var said = Score(options, Events.Make(Call, "d1", EventTypes.TranscriptFinal, new { speaker = "agent", segmentId = "seg-d1", text = "This call may be recorded, for training." }, 2));
        Assert.Equal((100.0, false), (said.Score!.Value, said.Flagged!.Value));
    }

    [Fact]
    public void Escalations_must_be_answered_in_time_and_the_call_must_not_end_on_negative_sentiment()
    {
        var result = Score(
            new ScorecardOptions { EscalationAnswerSeconds = 20 },
            Events.Make(Call, "r1", EventTypes.EscalationRequested, new { requestId = "r1", question = "Refund?" }, 13),
            Events.Make(Call, "a1", EventTypes.EscalationAnswered, new { requestId = "r1", answer = "Yes", by = "ana" }, 43),
            Events.Make(Call, "s1", EventTypes.SentimentScored, new { segmentId = "seg-c2", label = "negative", score = -0.6 }, 52));

        Assert.False(result.Criteria!.Single(c => c.Id == "escalation-answered").Passed);
        Assert.Equal("0 of 1 escalations not answered; the slowest answer took 30 s (at most 20 s).", result.Criteria!.Single(c => c.Id == "escalation-answered").Detail);
        Assert.False(result.Criteria!.Single(c => c.Id == "ending-sentiment").Passed);
        Assert.True(Score(new ScorecardOptions { EscalationAnswerSeconds = 30 }, Events.Make(Call, "r1", EventTypes.EscalationRequested, new { requestId = "r1", question = "Refund?" }, 13), Events.Make(Call, "a1", EventTypes.EscalationAnswered, new { requestId = "r1", answer = "Yes", by = "ana" }, 43))
            .Criteria!.Single(c => c.Id == "escalation-answered").Passed);
    }

    [Fact]
    public void A_judged_criterion_weighs_in_and_one_not_evaluated_counts_neither_way()
    {
        var stored = ArchiveFixture.Stored(ArchiveFixture.AgentEvents(Call));
        var summary = CallSummaryProjection.Fold(stored, ArchiveFixture.Options)!;
        var unjudged = new CriterionResult("polite", false, ScorecardJudge.NotEvaluated + "the judge did not answer within 1000 ms, in 2 tries.", 0, true);

        var failed = Scorecard.Score(stored, summary, ArchiveFixture.PassingScorecard, [new CriterionResult("resolved", false, "No refund was offered.", 4, false), unjudged]);
        var passed = Scorecard.Score(stored, summary, ArchiveFixture.PassingScorecard, [new CriterionResult("resolved", true, "The refund was offered.", 4, false), unjudged]);
        var critical = Scorecard.Score(stored, summary, ArchiveFixture.PassingScorecard, [new CriterionResult("resolved", false, "No refund was offered.", 1, true)]);

        Assert.Equal(["greeting", "no-dead-air", "latency-budget", "resolved", "polite"], failed.Criteria!.Select(c => c.Id));
        // The rules' 4 of 4 passed, and the judged 4 failed or passed; the one not evaluated neither
        // counts nor flags the call, critical as it is.
        Assert.Equal((50.0, true), (failed.Score!.Value, failed.Flagged!.Value));
        Assert.Equal((100.0, false), (passed.Score!.Value, passed.Flagged!.Value));
        // 4 of 5, above the threshold, but a critical criterion failed.
        Assert.Equal((80.0, true), (critical.Score!.Value, critical.Flagged!.Value));
    }

    [Fact]
    public void Scoring_again_gives_the_same_result_and_the_same_event_id_and_a_new_version_another()
    {
        Assert.Equal(Score(new ScorecardOptions()), Score(new ScorecardOptions()), new ResultComparer());
        Assert.Equal(Scorecard.EventId(Call, new ScorecardOptions()), Scorecard.EventId(Call, new ScorecardOptions()));
        Assert.NotEqual(Scorecard.EventId(Call, new ScorecardOptions()), Scorecard.EventId(Call, new ScorecardOptions { Version = 2 }));
    }

    private static ScorecardData Score(ScorecardOptions options, params JsonObject[] extra)
    {
        var events = ArchiveFixture.AgentEvents(Call).ToList();
        events.InsertRange(events.Count - 1, extra);
        var stored = ArchiveFixture.Stored(events.OrderBy(e => DateTimeOffset.Parse((string)e["at"]!, System.Globalization.CultureInfo.InvariantCulture)));
        return Scorecard.Score(stored, CallSummaryProjection.Fold(stored, ArchiveFixture.Options)!, options);
    }

    private sealed class ResultComparer : IEqualityComparer<ScorecardData>
    {
        public bool Equals(ScorecardData? x, ScorecardData? y) =>
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(ScorecardData obj) => 0;
    }
}
