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
    public static bool Repeats(string text, string earlier)
    {
        var a = Words(text);
        if (a.Count < RepeatMinWords)
        {
            return false;
        }

        var b = Words(earlier);
        if (b.Count < RepeatMinWords)
        {
            return false;
        }

        var common = a.Count(b.Contains);
        return (double)common / (a.Count + b.Count - common) >= RepeatSimilarity;
    }

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in WordPattern().Matches(text))
        {
            words.Add(m.Value.ToLowerInvariant());
        }

        return words;
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
