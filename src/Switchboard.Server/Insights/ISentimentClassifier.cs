namespace Switchboard.Server.Insights;

/// <summary>Scores the sentiment of one customer utterance.</summary>
public interface ISentimentClassifier
{
    /// <summary>Scores <paramref name="text"/>; completes synchronously when the model is local.</summary>
    ValueTask<SentimentResult> ClassifyAsync(string text, CancellationToken cancellationToken);
}
