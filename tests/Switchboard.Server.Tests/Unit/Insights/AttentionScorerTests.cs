using Switchboard.Server.Calls;
using Switchboard.Server.Insights;

namespace Switchboard.Server.Tests.Unit.Insights;

public sealed class AttentionScorerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan SilenceAfter = TimeSpan.FromSeconds(8);

    private static CallState Call(CallSignals? signals = null) => new()
    {
        CallId = "SIM_1",
        StartedAt = Now.AddMinutes(-5),
        Signals = signals ?? new CallSignals { LastSpeechAt = Now },
    };

    private static CallSentimentView Sentiment(double score, double trend = 0, int scored = 3) => new(score, trend, "steady", scored, score);

    [Theory]
    [InlineData(-0.04, null)]
    [InlineData(-0.25, 17.5)]
    [InlineData(-0.5, 35.0)]
    [InlineData(-0.9, 35.0)]
    public void Negative_sentiment_scores_in_proportion_up_to_35(double score, double? points) =>
        Assert.Equal(points, AttentionScorer.NegativeSentiment(Sentiment(score))?.Item1);

    [Theory]
    [InlineData(-0.05, 3, null)]
    [InlineData(-0.15, 3, 10.0)]
    [InlineData(-0.35, 3, 15.0)]
    [InlineData(-0.35, 1, null)]
    public void Falling_sentiment_needs_two_utterances_and_a_trend_below_minus_a_tenth(double trend, int scored, double? points) =>
        Assert.Equal(points, AttentionScorer.FallingSentiment(Sentiment(0, trend, scored))?.Item1);

    [Fact]
    public void Asking_for_a_human_scores_25_and_asking_to_cancel_15()
    {
        Assert.Equal(25, AttentionScorer.HumanRequested(new CallSignals { HumanRequested = true })?.Item1);
        Assert.Null(AttentionScorer.HumanRequested(CallSignals.None));
        Assert.Equal(15, AttentionScorer.CancelRequested(new CallSignals { CancelRequested = true })?.Item1);
        Assert.Null(AttentionScorer.CancelRequested(CallSignals.None));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, 10.0)]
    [InlineData(2, 20.0)]
    [InlineData(7, 20.0)]
    public void Repeats_score_10_each_up_to_20(int repeats, double? points) =>
        Assert.Equal(points, AttentionScorer.Repeats(new CallSignals { Repeats = repeats })?.Item1);

    [Theory]
    [InlineData(5, null)]
    [InlineData(9, 10.0)]
    [InlineData(17, 15.0)]
    [InlineData(40, 20.0)]
    public void Silence_grows_in_steps_from_the_threshold(int seconds, double? points)
    {
        var call = Call(new CallSignals { LastSpeechAt = Now.AddSeconds(-seconds) });
        Assert.Equal(points, AttentionScorer.Silence(call, Now, SilenceAfter)?.Item1);
    }

    [Fact]
    public void Silence_does_not_count_while_the_agent_speaks_or_the_caller_is_on_hold()
    {
        var silent = Call(new CallSignals { LastSpeechAt = Now.AddSeconds(-60) });
        Assert.Null(AttentionScorer.Silence(silent with { AgentState = "speaking" }, Now, SilenceAfter));
        var onHold = silent with { OpenEscalation = new EscalationView("r1", "Refund policy?", null, Now.AddSeconds(-60), null) };
        Assert.Null(AttentionScorer.Silence(onHold, Now, SilenceAfter));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, 8.0)]
    [InlineData(2, 16.0)]
    [InlineData(5, 24.0)]
    public void Tool_errors_score_8_each_up_to_24(int errors, double? points) =>
        Assert.Equal(points, AttentionScorer.ToolErrors(errors)?.Item1);

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, 5.0)]
    [InlineData(3, 15.0)]
    [InlineData(9, 20.0)]
    public void Slow_turns_score_5_each_up_to_20(int turns, double? points) =>
        Assert.Equal(points, AttentionScorer.SlowTurns(new CallSignals { SlowTurns = turns })?.Item1);

    [Fact]
    public void An_open_escalation_scores_10()
    {
        Assert.Equal(10, AttentionScorer.OpenEscalation(new EscalationView("r1", "?", null, Now, null))?.Item1);
        Assert.Null(AttentionScorer.OpenEscalation(null));
    }

    [Theory]
    [InlineData(10, null)]
    [InlineData(45, 5.0)]
    [InlineData(90, 10.0)]
    [InlineData(150, 15.0)]
    [InlineData(300, 20.0)]
    public void Time_on_hold_grows_in_steps(int seconds, double? points) =>
        Assert.Equal(points, AttentionScorer.Hold(new EscalationView("r1", "?", null, Now.AddSeconds(-seconds), null), Now)?.Item1);

    [Fact]
    public void A_calm_call_scores_zero_with_no_reasons()
    {
        var attention = AttentionScorer.Assess(Call() with { CallSentiment = Sentiment(0.4) }, Now, SilenceAfter);
        Assert.Equal(0, attention.Score);
        Assert.Empty(attention.Reasons);
    }

    [Fact]
    public void Components_add_up_with_the_largest_reason_first_and_cap_at_100()
    {
        var angry = Call(new CallSignals { HumanRequested = true, Repeats = 1, LastSpeechAt = Now }) with
        {
            CallSentiment = Sentiment(-0.5, -0.2),
        };
        var attention = AttentionScorer.Assess(angry, Now, SilenceAfter);
        Assert.Equal(35 + 10 + 25 + 10, attention.Score);
        Assert.Equal(["negative call sentiment (-0.50)", "caller asked for a human", "sentiment falling", "caller repeated themselves"], attention.Reasons);

        var everything = angry with
        {
            Signals = angry.Signals with { CancelRequested = true, SlowTurns = 4 },
            ToolErrors = 3,
            OpenEscalation = new EscalationView("r1", "?", null, Now.AddMinutes(-5), null),
        };
        Assert.Equal(100, AttentionScorer.Assess(everything, Now, SilenceAfter).Score);
    }
}
