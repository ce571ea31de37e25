using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Insights;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Tests.Unit.Insights;

public sealed class AttentionTrackerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private readonly LiveCalls _live = new(new EventHub(), new WallboardFeed(Options.Create(new StreamingOptions()), Options.Create(new Switchboard.Server.Archive.ScorecardOptions()), new Switchboard.Server.Redaction.Redactor(Options.Create(new Switchboard.Server.Redaction.RedactionOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<Switchboard.Server.Redaction.Redactor>.Instance), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<WallboardFeed>.Instance), TimeProvider.System);
    private readonly AttentionTracker _tracker;

    public AttentionTrackerTests() =>
        _tracker = new AttentionTracker(_live, Options.Create(new InsightsOptions { AlertThreshold = 60, AlertHysteresis = 10, SilenceSeconds = 8 }));

    private void Set(CallSignals signals, double sentiment) => _live.Restore(new CallState
    {
        CallId = "SIM_1",
        LastSeq = 7,
        Signals = signals with { LastSpeechAt = Now },
        CallSentiment = new CallSentimentView(sentiment, 0, "steady", 3, sentiment),
    });

    [Fact]
    public void The_score_and_reasons_are_set_on_the_live_state()
    {
        Set(new CallSignals { HumanRequested = true }, 0.2);
        _tracker.Evaluate(["SIM_1"], Now);

        var attention = _live.Find("SIM_1")!.Attention;
        Assert.NotNull(attention);
        Assert.Equal(25, attention.Score);
        Assert.Equal(["caller asked for a human"], attention.Reasons);
    }

    [Fact]
    public void An_alert_is_raised_once_per_crossing_and_again_only_after_falling_below_the_hysteresis()
    {
        Set(new CallSignals { HumanRequested = true }, -0.5); // 25 + 35 = 60
        var first = _tracker.Evaluate(["SIM_1"], Now);
        var alert = Assert.Single(first);
        Assert.Equal(EventTypes.AlertRaised, alert.Type);
        Assert.Equal(60, alert.Data.GetProperty("score").GetDouble());
        Assert.Equal("negative call sentiment (-0.50)", alert.Data.GetProperty("reasons")[0].GetString());

        Assert.Empty(_tracker.Evaluate(["SIM_1"], Now)); // still above: no second alert
        Set(new CallSignals { HumanRequested = true }, -0.4); // 25 + 28 = 53: below 60, above 50
        Assert.Empty(_tracker.Evaluate(["SIM_1"], Now));
        Set(new CallSignals { HumanRequested = true }, -0.5);
        Assert.Empty(_tracker.Evaluate(["SIM_1"], Now)); // never fell below 50: same crossing

        Set(new CallSignals(), -0.5); // 35: re-armed
        Assert.Empty(_tracker.Evaluate(["SIM_1"], Now));
        Set(new CallSignals { HumanRequested = true }, -0.5);
        Assert.Single(_tracker.Evaluate(["SIM_1"], Now));
    }

    [Fact]
    public void A_call_still_above_its_last_alert_after_a_restart_is_not_alerted_again()
    {
        Set(new CallSignals { HumanRequested = true, AlertsRaised = 1, LastAlertScore = 60 }, -0.5);
        Assert.Empty(_tracker.Evaluate(["SIM_1"], Now));
    }

    [Fact]
    public void Silence_raises_the_score_as_time_passes_without_events()
    {
        Set(new CallSignals(), 0);
        _tracker.EvaluateAll(Now);
        Assert.Equal(0, _live.Find("SIM_1")!.Attention!.Score);

        _tracker.EvaluateAll(Now.AddSeconds(20));
        Assert.Equal(15, _live.Find("SIM_1")!.Attention!.Score);
    }
}
