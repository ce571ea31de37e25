using Switchboard.Contracts.Events;

namespace Switchboard.Contracts.Agent;

/// <summary>The body of <c>POST /api/v1/events</c>.</summary>
public sealed class EventBatch
{
    /// <summary>The events, at most <see cref="Limits.MaxBatchEvents"/>.</summary>
    public List<EventEnvelope?>? Events { get; set; }
}
