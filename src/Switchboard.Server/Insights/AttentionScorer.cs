using System.Globalization;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Insights;

/// <summary>
/// The attention score of an active call: points from each sign that the call is going wrong,
/// summed and capped at 100. Pure: the clock is an argument. The weights are documented in
/// docs/SENTIMENT.md; each component is a public method so it can be tested alone.
/// </summary>
public static class AttentionScorer
{
    /// <summary>Most points from negative sentiment (reached at a rolling score of <see cref="NegativeFloor"/>).</summary>
    public const double NegativeMax = 35;

    /// <summary>The rolling sentiment at which negative sentiment scores its maximum.</summary>
    public const double NegativeFloor = -0.5;

    /// <summary>Evaluates every component at <paramref name="now"/>.</summary>
    public static AttentionView Assess(CallState state, DateTimeOffset now, TimeSpan silenceAfter)
    {
        var parts = new List<(double Points, string Reason)>(8);
        Add(parts, NegativeSentiment(state.CallSentiment));
        Add(parts, FallingSentiment(state.CallSentiment));
        Add(parts, HumanRequested(state.Signals));
        Add(parts, CancelRequested(state.Signals));
        Add(parts, Repeats(state.Signals));
        Add(parts, Silence(state, now, silenceAfter));
        Add(parts, ToolErrors(state.ToolErrors));
        Add(parts, SlowTurns(state.Signals));
        Add(parts, OpenEscalation(state.OpenEscalation));
        Add(parts, Hold(state.OpenEscalation, now));
        var score = Math.Min(100, Math.Round(parts.Sum(p => p.Points)));
        var reasons = parts.OrderByDescending(p => p.Points).Select(p => p.Reason).ToArray();
        return new AttentionView(score, reasons);
    }

    /// <summary>Up to 35 points, in proportion to how far the rolling sentiment is below neutral.</summary>
    public static (double, string)? NegativeSentiment(CallSentimentView? sentiment)
    {
        if (sentiment is not { Score: <= -SentimentLabel.Threshold })
        {
            return null;
        }

        var points = NegativeMax * Math.Min(1, sentiment.Score / NegativeFloor);
        return (points, string.Create(CultureInfo.InvariantCulture, $"negative call sentiment ({sentiment.Score:0.00})"));
    }

    /// <summary>10 points when the caller's mood is falling, 15 when falling fast (trend ≤ -0.3).</summary>
    public static (double, string)? FallingSentiment(CallSentimentView? sentiment) => sentiment switch
    {
        { Scored: >= 2, Trend: <= -0.3 } => (15, "sentiment falling fast"),
        { Scored: >= 2, Trend: <= -CallSentimentView.TrendThreshold } => (10, "sentiment falling"),
        _ => null,
    };

    /// <summary>25 points once the caller has asked for a human or a manager.</summary>
    public static (double, string)? HumanRequested(CallSignals signals) =>
        signals.HumanRequested ? (25, "caller asked for a human") : null;

    /// <summary>15 points once the caller has asked to cancel.</summary>
    public static (double, string)? CancelRequested(CallSignals signals) =>
        signals.CancelRequested ? (15, "caller asked to cancel") : null;

    /// <summary>10 points per time the caller repeated themselves, at most 20.</summary>
    public static (double, string)? Repeats(CallSignals signals) => signals.Repeats switch
    {
        0 => null,
        1 => (10, "caller repeated themselves"),
        var n => (20, $"caller repeated themselves {n} times"),
    };

    /// <summary>
    /// A long silence (no one spoke, the agent is not speaking and the caller is not on hold):
    /// 10 points from the threshold, 15 from twice it, 20 from four times it.
    /// </summary>
    public static (double, string)? Silence(CallState state, DateTimeOffset now, TimeSpan silenceAfter)
    {
        if (state.OpenEscalation is not null || state.AgentState == "speaking" || state.Signals.LastSpeechAt is not { } last)
        {
            return null;
        }

        var silent = now - last;
        var step = silent >= 4 * silenceAfter ? 4 : silent >= 2 * silenceAfter ? 2 : silent >= silenceAfter ? 1 : 0;
        return step switch
        {
            0 => null,
            _ => (step switch { 1 => 10, 2 => 15, _ => 20 }, $"silence over {(step * silenceAfter).TotalSeconds:0} s"),
        };
    }

    /// <summary>8 points per failed tool call, at most 24.</summary>
    public static (double, string)? ToolErrors(int errors) => errors switch
    {
        0 => null,
        1 => (8, "a tool call failed"),
        var n => (Math.Min(24, 8 * n), $"{n} tool calls failed"),
    };

    /// <summary>5 points per turn slower than 2 s end to end, at most 20.</summary>
    public static (double, string)? SlowTurns(CallSignals signals) => signals.SlowTurns switch
    {
        0 => null,
        1 => (5, "a turn took over 2 s"),
        var n => (Math.Min(20, 5 * n), $"{n} turns took over 2 s"),
    };

    /// <summary>10 points while an escalation is open.</summary>
    public static (double, string)? OpenEscalation(EscalationView? escalation) =>
        escalation is null ? null : (10, escalation.ClaimedBy is null ? "escalation waiting for a human" : "escalation open");

    /// <summary>Time on hold (an open escalation): 5 points from 30 s, 10 from 1 min, 15 from 2 min, 20 from 4 min.</summary>
    public static (double, string)? Hold(EscalationView? escalation, DateTimeOffset now)
    {
        if (escalation is null)
        {
            return null;
        }

        var held = (now - escalation.RequestedAt).TotalSeconds;
        return held switch
        {
            >= 240 => (20, "on hold over 4 min"),
            >= 120 => (15, "on hold over 2 min"),
            >= 60 => (10, "on hold over 1 min"),
            >= 30 => (5, "on hold over 30 s"),
            _ => null,
        };
    }

    private static void Add(List<(double, string)> parts, (double Points, string Reason)? part)
    {
        if (part is { } p)
        {
            parts.Add(p);
        }
    }
}
