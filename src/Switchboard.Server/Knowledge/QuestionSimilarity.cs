namespace Switchboard.Server.Knowledge;

/// <summary>
/// Decides whether two questions ask the same thing: the overlap (Jaccard) of their content words,
/// lower-cased, without common function words and with a plural "s" removed.
/// </summary>
public static class QuestionSimilarity
{
    /// <summary>Questions at least this similar are near-duplicates.</summary>
    public const double DuplicateThreshold = 0.7;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "is", "are", "was", "were", "be", "do", "does", "did", "can", "could", "will", "would", "should",
        "i", "me", "my", "we", "our", "you", "your", "it", "its", "they", "them", "their", "there", "this", "that", "these",
        "to", "of", "in", "on", "at", "for", "with", "by", "from", "about", "as", "and", "or", "if", "so", "any", "have", "has",
        "what", "which", "who", "how", "when", "where", "why", "please", "tell", "know", "want", "like", "get", "let",
    };

    /// <summary>The content words of a text.</summary>
    public static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in text.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var word = new string(raw.Where(char.IsLetterOrDigit).ToArray());
            if (word.Length == 0 || StopWords.Contains(word))
            {
                continue;
            }

            words.Add(word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1] : word);
        }

        return words;
    }

    /// <summary>Similarity from 0 (nothing shared) to 1 (same content words).</summary>
    public static double Similarity(string a, string b)
    {
        var x = Words(a);
        var y = Words(b);
        if (x.Count == 0 || y.Count == 0)
        {
            return 0;
        }

        var shared = x.Count(y.Contains);
        return (double)shared / (x.Count + y.Count - shared);
    }

    /// <summary>
    /// How well a knowledge-base entry answers <paramref name="question"/>, from 0 (nothing shared)
    /// to 1: the cosine of the content-word sets (shared words over the geometric mean of the two
    /// counts) of the question and the entry's question, or of the question and the entry's question
    /// and answer together when that is higher. Unlike BM25, which only ranks the hits of one search,
    /// it is comparable across questions, so one threshold can decide what is worth offering.
    /// </summary>
    public static double Match(string question, string entryQuestion, string entryAnswer)
    {
        var asked = Words(question);
        if (asked.Count == 0)
        {
            return 0;
        }

        var entry = Words(entryQuestion);
        var withAnswer = new HashSet<string>(entry, StringComparer.Ordinal);
        withAnswer.UnionWith(Words(entryAnswer));
        return Math.Round(Math.Max(Cosine(asked, entry), Cosine(asked, withAnswer)), 3);
    }

    private static double Cosine(HashSet<string> x, HashSet<string> y) =>
        y.Count == 0 ? 0 : x.Count(y.Contains) / Math.Sqrt((double)x.Count * y.Count);

    private static readonly char[] Separators = [' ', '\t', '\n', '\r', ',', '.', '?', '!', ';', ':', '/', '-', '(', ')', '"'];
}
