using Switchboard.Contracts.Events;
using Switchboard.Server.Insights;

namespace Switchboard.Server.Calls;

/// <summary>
/// The part of <see cref="CallProjection"/> that folds the signals of trouble (<see cref="CallSignals"/>)
/// and the call's rolling sentiment (<see cref="CallSentimentView"/>). Pure: no clock, no I/O.
/// </summary>
public static class SignalProjection
{
    /// <summary>A turn slower than this, end to end, is a slow turn.</summary>
    public const double SlowTurnMilliseconds = 2000;

    /// <summary>How many of the caller's previous utterances a new one is compared with.</summary>
    public const int RepeatWindow = 3;

    /// <summary>Applies one durable event to a state that already has the event's other effects.</summary>
    public static CallState Apply(CallState state, StoredEvent e)
    {
        var (signals, sentiment) = Next(state, e);
        return ReferenceEquals(signals, state.Signals) && ReferenceEquals(sentiment, state.CallSentiment)
            ? state
            : state with { Signals = signals, CallSentiment = sentiment };
    }

    /// <summary>The call's signals and rolling sentiment after the event (the same instances when it changes neither).</summary>
    public static (CallSignals Signals, CallSentimentView? Sentiment) Next(CallState state, StoredEvent e)
    {
        var d = e.Data;
        var signals = state.Signals;
        var sentiment = state.CallSentiment;
        switch (e.Type)
        {
            case EventTypes.CallStarted when signals.LastSpeechAt is null:
                return (signals with { LastSpeechAt = e.ReceivedAt }, sentiment);
            case EventTypes.TranscriptFinal:
                signals = signals with { LastSpeechAt = e.ReceivedAt };
                if ((d.Str("speaker") ?? "customer") == "customer" && d.Str("text") is { Length: > 0 } text)
                {
                    signals = Customer(signals, text);
                }

                return (signals, sentiment);
            case EventTypes.AgentState when d.Str("state") == "speaking":
                return (signals with { LastSpeechAt = e.ReceivedAt }, sentiment);
            case EventTypes.MetricsTurn when d.Num("e2eMs") > SlowTurnMilliseconds:
                return (signals with { SlowTurns = signals.SlowTurns + 1 }, sentiment);
            case EventTypes.SentimentScored when d.Num("score") is { } score:
                return (signals, CallSentimentView.Next(state.CallSentiment, score));
            case EventTypes.AlertRaised:
                return (signals with { AlertsRaised = signals.AlertsRaised + 1, LastAlertScore = d.Num("score") }, sentiment);
            default:
                return (signals, sentiment);
        }
    }

    private static CallSignals Customer(CallSignals signals, string text)
    {
        var words = CallerPhrases.Words(text);
        var earlier = signals.RecentCustomerWords;
        var repeated = false;
        foreach (var previous in earlier)
        {
            repeated |= CallerPhrases.Repeats(words, previous);
        }

        return signals with
        {
            HumanRequested = signals.HumanRequested || CallerPhrases.AsksForHuman(text),
            CancelRequested = signals.CancelRequested || CallerPhrases.AsksToCancel(text),
            Repeats = signals.Repeats + (repeated ? 1 : 0),
            RecentCustomerWords = earlier.Length < RepeatWindow ? earlier.Add(words) : earlier.RemoveAt(0).Add(words),
        };
    }
}
