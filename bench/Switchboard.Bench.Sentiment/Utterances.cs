namespace Switchboard.Bench.Sentiment;

/// <summary>The texts of the shipped human-labelled sets, used as customer utterances.</summary>
internal static class Utterances
{
    public static IReadOnlyList<string> Load(string directory) =>
        Directory.GetFiles(directory, "*_GroundTruth.txt")
            .Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Select(line => line.Split('\t', 3))
            .Where(fields => fields.Length == 3)
            .Select(fields => fields[2])
            .ToList();
}
