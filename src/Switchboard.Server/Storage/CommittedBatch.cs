using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage;

/// <summary>Events just committed, in seq order per call.</summary>
/// <param name="Events">The new events.</param>
/// <param name="EndedBefore">Calls of this batch that had already ended before it (late events must not revive them).</param>
public sealed record CommittedBatch(IReadOnlyList<StoredEvent> Events, IReadOnlySet<string> EndedBefore);
