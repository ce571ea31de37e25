using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Tests.Unit.Insights;

public sealed class SignalProjectionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static CallState Fold(params (string Type, object Data)[] events)
    {
        var stored = events.Select((e, i) => new StoredEvent(
            "SIM_1", i + 1, $"e{i + 1}", e.Type, T0.AddSeconds(i), T0.AddSeconds(i), JsonSerializer.SerializeToElement(e.Data, ContractJson.Options)));
        return CallProjection.Fold(stored)!;
    }

    private static (string, object) Customer(string text, string segment) =>
        (EventTypes.TranscriptFinal, new TranscriptData("customer", segment, text));

    private static (string, object) Scored(string segment, double score) =>
        (EventTypes.SentimentScored, new SentimentScoredData(segment, score < 0 ? "negative" : "positive", score, "vader"));

    [Fact]
    public void Call_sentiment_is_recency_weighted_and_its_trend_falls_when_the_caller_turns_negative()
    {
        var state = Fold(Scored("s1", 0.5), Scored("s2", 0.5), Scored("s3", -0.5));

        // score: 0.5, then 0.5, then 0.5 + 0.4 × (-1) = 0.1; fast: 0.5 + 0.7 × (-1) = -0.2; trend = -0.2 - 0.1
        Assert.NotNull(state.CallSentiment);
        Assert.Equal(0.1, state.CallSentiment.Score, 4);
        Assert.Equal(-0.3, state.CallSentiment.Trend, 4);
        Assert.Equal("falling", state.CallSentiment.Direction);
        Assert.Equal(3, state.CallSentiment.Scored);
        Assert.Equal(-0.5, state.Sentiment!.Score);
    }

    [Fact]
    public void Call_sentiment_is_steady_when_the_caller_is()
    {
        var state = Fold(Scored("s1", -0.3), Scored("s2", -0.3), Scored("s3", -0.3));
        Assert.Equal(-0.3, state.CallSentiment!.Score, 4);
        Assert.Equal("steady", state.CallSentiment.Direction);
    }

    [Fact]
    public void A_customer_asking_for_a_manager_or_to_cancel_is_remembered()
    {
        var state = Fold(Customer("I want to speak to a manager", "s1"), Customer("and cancel my plan", "s2"));
        Assert.True(state.Signals.HumanRequested);
        Assert.True(state.Signals.CancelRequested);
    }

    [Fact]
    public void The_agent_saying_the_words_does_not_count()
    {
        var state = Fold((EventTypes.TranscriptFinal, new TranscriptData("agent", "a1", "I can cancel that or get a manager for you")));
        Assert.False(state.Signals.HumanRequested);
        Assert.False(state.Signals.CancelRequested);
    }

    [Fact]
    public void A_customer_repeating_an_earlier_utterance_is_counted()
    {
        var state = Fold(
            Customer("where is my refund", "s1"),
            (EventTypes.TranscriptFinal, new TranscriptData("agent", "a1", "Let me check that for you.")),
            Customer("Where is my refund?", "s2"),
            Customer("Can I get my money back today", "s3"));
        Assert.Equal(1, state.Signals.Repeats);
    }

    [Fact]
    public void Turns_slower_than_two_seconds_are_counted()
    {
        var state = Fold(
            (EventTypes.MetricsTurn, new TurnMetricsData(E2eMs: 1200)),
            (EventTypes.MetricsTurn, new TurnMetricsData(E2eMs: 2000)),
            (EventTypes.MetricsTurn, new TurnMetricsData(E2eMs: 2600)));
        Assert.Equal(1, state.Signals.SlowTurns);
    }

    [Fact]
    public void Speech_and_alerts_are_recorded_with_the_server_time()
    {
        var state = Fold(
            Customer("hello", "s1"),
            (EventTypes.AgentState, new { state = "speaking" }),
            (EventTypes.AlertRaised, new AlertRaisedData(72, ["caller asked for a human"])));
        Assert.Equal(T0.AddSeconds(1), state.Signals.LastSpeechAt);
        Assert.Equal(1, state.Signals.AlertsRaised);
        Assert.Equal(72, state.Signals.LastAlertScore);
    }
}
