namespace Switchboard.Server.Insights;

/// <summary>The three sentiment labels and VADER's published thresholds on the compound score.</summary>
public static class SentimentLabel
{
    public const string Negative = "negative";
    public const string Neutral = "neutral";
    public const string Positive = "positive";

    /// <summary>A compound score at or above this is positive; at or below its negation, negative.</summary>
    public const double Threshold = 0.05;

    /// <summary>The label of a compound score.</summary>
    public static string FromCompound(double compound) => compound switch
    {
        >= Threshold => Positive,
        <= -Threshold => Negative,
        _ => Neutral,
    };
}
