namespace Switchboard.Server.Insights;

/// <summary>The default classifier: VADER, in process, in microseconds.</summary>
public sealed class EmbeddedClassifier(VaderSentiment vader) : ISentimentClassifier
{
    /// <summary>The model name recorded on <c>sentiment.scored</c> events.</summary>
    public const string ModelName = "vader-3.3.2";

    /// <summary>Scores synchronously.</summary>
    public SentimentResult Classify(string text)
    {
        var scores = vader.Score(text);
        return new SentimentResult(scores.Label, scores.Compound, ModelName);
    }

    /// <inheritdoc />
    public ValueTask<SentimentResult> ClassifyAsync(string text, CancellationToken cancellationToken) => ValueTask.FromResult(Classify(text));
}
