namespace Switchboard.Server.Insights;

/// <summary>
/// VADER's scores of one text: the normalised compound in [-1, 1] and the proportions of the
/// text that are positive, neutral and negative (which sum to 1).
/// </summary>
public readonly record struct SentimentScores(double Compound, double Positive, double Neutral, double Negative)
{
    /// <summary>The scores of a text without words.</summary>
    public static SentimentScores Empty => default;

    /// <summary>The three-way label of the compound score.</summary>
    public string Label => SentimentLabel.FromCompound(Compound);
}
