namespace Switchboard.Server.Latency;

/// <summary>
/// The fleet's latency against the budget when it was read (<c>at</c>): per stage, the p95 of every
/// call's turns received in the last <c>windowSeconds</c> (300; <see cref="FleetLatencyWindow"/>),
/// and whether its alert stands (<see cref="LatencyAlarm"/>).
/// </summary>
public sealed record FleetLatency(DateTimeOffset At, int WindowSeconds, IReadOnlyList<FleetStageLatency> Stages)
{
    /// <summary>True when every stage's figures are the same as in <paramref name="other"/> (the time aside).</summary>
    public bool SameFiguresAs(FleetLatency? other) => other is not null && other.Stages.SequenceEqual(Stages);
}
