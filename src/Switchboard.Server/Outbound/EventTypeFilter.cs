using System.Text.RegularExpressions;

namespace Switchboard.Server.Outbound;

/// <summary>
/// Which event types a subscription delivers: <c>*</c> (all), a prefix ending in <c>.*</c>
/// (<c>transcript.*</c> is every <c>transcript.…</c> type) or an exact type.
/// </summary>
public static partial class EventTypeFilter
{
    /// <summary>True when <paramref name="type"/> is one of <paramref name="patterns"/>.</summary>
    public static bool Matches(IReadOnlyList<string> patterns, string type)
    {
        foreach (var pattern in patterns)
        {
            if (pattern == "*"
                || string.Equals(pattern, type, StringComparison.Ordinal)
                || (pattern.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="pattern"/> is <c>*</c>, a type, or a type prefix ending in <c>.*</c>.</summary>
    public static bool IsValid(string pattern) => pattern == "*" || Pattern().IsMatch(pattern);

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$")]
    private static partial Regex Pattern();
}
