using System.Text.Json.Serialization;

namespace Switchboard.Server.Calls;

/// <summary>
/// The call's sentiment so far: a recency-weighted score of the customer's utterances (each older
/// utterance weighs 0.6 times the next: an exponential moving average with α = 0.4), and its trend,
/// the difference between a faster average (α = 0.7) and that score — negative when the caller's
/// mood is falling.
/// </summary>
public sealed record CallSentimentView(double Score, double Trend, string Direction, int Scored, [property: JsonIgnore] double Fast)
{
    /// <summary>Weight of the newest utterance in <see cref="Score"/>.</summary>
    public const double Alpha = 0.4;

    /// <summary>Weight of the newest utterance in the fast average.</summary>
    public const double FastAlpha = 0.7;

    /// <summary>A trend at or beyond this is rising or falling; nearer zero it is steady.</summary>
    public const double TrendThreshold = 0.1;

    /// <summary>Folds one more utterance's score in.</summary>
    public static CallSentimentView Next(CallSentimentView? previous, double score)
    {
        if (previous is null)
        {
            return new CallSentimentView(score, 0, "steady", 1, score);
        }

        var slow = previous.Score + (Alpha * (score - previous.Score));
        var fast = previous.Fast + (FastAlpha * (score - previous.Fast));
        var trend = fast - slow;
        var direction = trend <= -TrendThreshold ? "falling" : trend >= TrendThreshold ? "rising" : "steady";
        return new CallSentimentView(Math.Round(slow, 4), Math.Round(trend, 4), direction, previous.Scored + 1, fast);
    }
}
