namespace Switchboard.Server.Insights;

/// <summary>A classifier's verdict on one utterance: label, score in [-1, 1], and the model that gave it.</summary>
public sealed record SentimentResult(string Label, double Score, string Model);
