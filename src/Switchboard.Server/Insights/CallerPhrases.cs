using System.Text.RegularExpressions;

namespace Switchboard.Server.Insights;

/// <summary>
/// What a caller's words say beyond their sentiment: asking for a human or to cancel, and saying
/// the same thing again. Plain patterns over the final transcript — cheap, explainable and pure.
/// </summary>
public static partial class CallerPhrases
{
    /// <summary>Word overlap (Jaccard) at or above which two utterances are the same request.</summary>
    public const double RepeatSimilarity = 0.6;

    /// <summary>Utterances with fewer words than this are never repeats ("yes", "no", "okay").</summary>
    public const int RepeatMinWords = 3;

    /// <summary>True when the caller asks for a human, a manager, a supervisor or an operator.</summary>
    public static bool AsksForHuman(string text) => HumanPattern().IsMatch(text);

    /// <summary>True when the caller asks to cancel or close something.</summary>
    public static bool AsksToCancel(string text) => CancelPattern().IsMatch(text);

    /// <summary>True when <paramref name="text"/> says again what <paramref name="earlier"/> said.</summary>
    public static bool Repeats(string text, string earlier) => Repeats(Words(text), Words(earlier));

    /// <summary>True when the words of one utterance repeat those of another (see <see cref="Words"/>).</summary>
    public static bool Repeats(ulong[] words, ulong[] earlier)
    {
        if (words.Length < RepeatMinWords || earlier.Length < RepeatMinWords)
        {
            return false;
        }

        // Both are sorted: count the common words in one merge pass.
        var common = 0;
        for (int i = 0, j = 0; i < words.Length && j < earlier.Length;)
        {
            var order = words[i].CompareTo(earlier[j]);
            common += order == 0 ? 1 : 0;
            i += order <= 0 ? 1 : 0;
            j += order >= 0 ? 1 : 0;
        }

        return (double)common / (words.Length + earlier.Length - common) >= RepeatSimilarity;
    }

    /// <summary>
    /// The distinct words of an utterance, case-folded, as sorted 64-bit FNV-1a hashes: compact
    /// enough to keep for the caller's last few utterances, and compared without allocating.
    /// </summary>
    public static ulong[] Words(string text)
    {
        Span<ulong> found = stackalloc ulong[64];
        var count = 0;
        foreach (var match in WordPattern().EnumerateMatches(text))
        {
            if (count == found.Length)
            {
                var bigger = new ulong[found.Length * 2];
                found.CopyTo(bigger);
                found = bigger;
            }

            found[count++] = Hash(text.AsSpan(match.Index, match.Length));
        }

        var words = found[..count];
        words.Sort();
        var distinct = 0;
        for (var i = 0; i < words.Length; i++)
        {
            if (distinct == 0 || words[i] != words[distinct - 1])
            {
                words[distinct++] = words[i];
            }
        }

        return words[..distinct].ToArray();
    }

    private static ulong Hash(ReadOnlySpan<char> word)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in word)
        {
            hash = (hash ^ char.ToLowerInvariant(c)) * 1099511628211UL;
        }

        return hash;
    }

    [GeneratedRegex(
        @"\b(humans?|manager|supervisor|representative|operator|real person|live person|actual person|someone real|somebody real|"
        + @"(speak|talk)\s+(to|with)\s+(a|an|the|your|some)?\s*(agent|person|someone|somebody))\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HumanPattern();

    [GeneratedRegex(
        @"\b(cancel|cancell?ing|cancell?ed|cancell?ation|terminate|unsubscribe|close\s+(my|the)\s+account|end\s+my\s+(contract|subscription|plan))\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CancelPattern();

    [GeneratedRegex(@"[\p{L}\p{N}']+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
