namespace Switchboard.Bench.Sentiment;

/// <summary>The texts of the shipped human-labelled sets, used as customer utterances.</summary>
internal static class Utterances
{
    public static IReadOnlyList<string> Load(string directory) =>
        Directory.GetFiles(directory, "*_GroundTruth.txt")
            .Concat(Directory.GetFiles(directory, "*.tsv"))
            .Order(StringComparer.Ordinal)
            .SelectMany(Switchboard.Server.Insights.SentimentEvaluation.Load)
            .Select(sentence => sentence.Text)
            .ToList();
}
