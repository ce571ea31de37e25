namespace Switchboard.Server.Outbound;

/// <summary>What this node's outbound delivery has done since it started (for metrics).</summary>
public sealed class OutboundCounters
{
    private long _delivered;
    private long _failed;
    private long _deadLettered;

    /// <summary>Attempts a receiver acknowledged.</summary>
    public long DeliveredCount => Interlocked.Read(ref _delivered);

    /// <summary>Attempts that failed (status, timeout, connection).</summary>
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <summary>Calls whose delivery was dead-lettered.</summary>
    public long DeadLetteredCount => Interlocked.Read(ref _deadLettered);

    internal void Delivered() => Interlocked.Increment(ref _delivered);

    internal void Failed() => Interlocked.Increment(ref _failed);

    internal void DeadLettered() => Interlocked.Increment(ref _deadLettered);
}
