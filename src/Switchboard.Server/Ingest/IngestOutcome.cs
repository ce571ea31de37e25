using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Ingest;

/// <summary>The result of ingesting a batch: all acknowledged, or all rejected with the reasons.</summary>
public sealed record IngestOutcome(IReadOnlyList<EventAck>? Acks, IReadOnlyList<EventError>? Errors)
{
    /// <summary>True when the batch was refused and nothing of it was stored.</summary>
    public bool Rejected => Errors is { Count: > 0 };
}
