using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Bench.Redaction;

/// <summary>Customer utterances: the human-labelled sentences shipped for sentiment, and lines that carry personal data.</summary>
internal static class Corpus
{
    /// <summary>Lines with personal data as speech-to-text writes them, one of each kind and form.</summary>
    public static readonly string[] WithPersonalData =
    [
        "Sure, the card is 4111 1111 1111 1111 and it expires in December.",
        "it's four two four two four two four two four two four two four two four two",
        "You can reach me on (415) 555-0123 after six, or on my mobile.",
        "My phone number is four one five five five five zero one two three.",
        "Send the receipt to jane.doe@example.com please, not the old address.",
        "My social is 123-45-6789, do you need my date of birth as well?",
        "It's +44 20 7946 0958, that's the office line.",
        "Card number 5555-5555-5555-4444, security code one two three.",
    ];

    public static IReadOnlyList<string> Load(string directory) =>
        Directory.GetFiles(directory, "*_GroundTruth.txt")
            .Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Select(line => line.Split('\t', 3))
            .Where(fields => fields.Length == 3)
            .Select(fields => fields[2])
            .ToList();

    /// <summary>A customer's final transcript as the .NET SDK sends it (System.Text.Json escapes ' and +).</summary>
    public static JsonElement Transcript(string text, int i) => JsonSerializer.SerializeToElement(
        new { speaker = "customer", segmentId = $"seg-{i}", text, startedAt = DateTimeOffset.UnixEpoch.AddSeconds(i), endedAt = DateTimeOffset.UnixEpoch.AddSeconds(i + 2) },
        ContractJson.Options);
}
