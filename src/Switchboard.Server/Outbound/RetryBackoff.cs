namespace Switchboard.Server.Outbound;

/// <summary>Exponential backoff with full jitter: attempt n waits a random time up to min(max, initial × 2ⁿ⁻¹).</summary>
public static class RetryBackoff
{
    /// <summary>The wait after the <paramref name="failures"/>-th consecutive failure.</summary>
    public static TimeSpan After(int failures, TimeSpan initial, TimeSpan max)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        // Half fixed, half random: a receiver that comes back is not hit by every call at once,
        // and no wait is shorter than half its step.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
