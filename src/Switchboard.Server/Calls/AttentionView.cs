namespace Switchboard.Server.Calls;

/// <summary>
/// How much an active call needs a human now (0 … 100) and why, most important reason first.
/// Computed outside the pure fold (it depends on the clock) and kept on the live state.
/// </summary>
public sealed record AttentionView(double Score, IReadOnlyList<string> Reasons)
{
    /// <summary>True when score and reasons are the same (records compare lists by reference).</summary>
    public bool IsSameAs(AttentionView? other) =>
        other is not null && other.Score.Equals(Score) && other.Reasons.SequenceEqual(Reasons, StringComparer.Ordinal);
}
