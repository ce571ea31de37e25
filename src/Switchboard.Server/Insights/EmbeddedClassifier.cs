namespace Switchboard.Server.Insights;

/// <summary>The default classifier: <see cref="ServiceSentiment"/>, in process, in microseconds.</summary>
public sealed class EmbeddedClassifier(ServiceSentiment model) : ISentimentClassifier
{
    /// <summary>The model name recorded on <c>sentiment.scored</c> events.</summary>
    public const string ModelName = ServiceSentiment.ModelName;

    /// <summary>Scores synchronously.</summary>
    public SentimentResult Classify(string text)
    {
        var compound = model.Score(text).Compound;
        return new SentimentResult(ServiceSentiment.Label(compound), compound, ModelName);
    }

    /// <inheritdoc />
    public ValueTask<SentimentResult> ClassifyAsync(string text, CancellationToken cancellationToken) => ValueTask.FromResult(Classify(text));
}
