using System.Collections.Immutable;

namespace Switchboard.Server.Calls;

/// <summary>
/// Facts folded from a call's events that say it may be going wrong, read by the attention score.
/// Times are the server's receive times, so they compare with the server clock.
/// </summary>
public sealed record CallSignals
{
    /// <summary>No signals yet.</summary>
    public static readonly CallSignals None = new();

    /// <summary>The caller asked for a human, a manager or a supervisor.</summary>
    public bool HumanRequested { get; init; }

    /// <summary>The caller asked to cancel.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>Customer utterances that repeated one of the caller's previous few.</summary>
    public int Repeats { get; init; }

    /// <summary>Turns whose end-to-end latency exceeded <see cref="SignalProjection.SlowTurnMilliseconds"/>.</summary>
    public int SlowTurns { get; init; }

    /// <summary>When someone last spoke (a final transcript line, or the agent starting to speak).</summary>
    public DateTimeOffset? LastSpeechAt { get; init; }

    /// <summary>Number of <c>alert.raised</c> events of the call.</summary>
    public int AlertsRaised { get; init; }

    /// <summary>The attention score of the last alert.</summary>
    public double? LastAlertScore { get; init; }

    /// <summary>
    /// The words (<see cref="Insights.CallerPhrases.Words"/>) of the caller's last
    /// <see cref="SignalProjection.RepeatWindow"/> utterances, oldest first, for repeat detection.
    /// </summary>
    internal ImmutableArray<ulong[]> RecentCustomerWords { get; init; } = [];
}
