namespace Switchboard.Server.Calls;

/// <summary>The wallboard's order: the call that most needs attention first, then the oldest.</summary>
public static class WallboardOrder
{
    /// <summary>Sorts summaries by attention score, highest first, then by start time.</summary>
    public static IOrderedEnumerable<WallboardSummary> ByAttention(this IEnumerable<WallboardSummary> calls) =>
        calls.OrderByDescending(c => c.Attention?.Score ?? 0).ThenBy(c => c.StartedAt).ThenBy(c => c.CallId, StringComparer.Ordinal);
}
