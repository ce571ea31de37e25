namespace Switchboard.Server.Outbound;

/// <summary>
/// Where subscriptions, their cursors and the delivery log are kept: SQLite (a file beside the
/// log) or PostgreSQL (Storage:Provider), so the node that delivers can change at any time.
/// </summary>
public interface IOutboundRecords
{
    /// <summary>Stores a new subscription with the cursors it starts from (the calls open at its creation, at their last seq).</summary>
    Task AddAsync(OutboundSubscription subscription, IReadOnlyList<(string CallId, long Seq)> cursors, CancellationToken cancellationToken);

    /// <summary>Every subscription, oldest first.</summary>
    Task<IReadOnlyList<OutboundSubscription>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One subscription, or null.</summary>
    Task<OutboundSubscription?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces what an admin may change (name, URL, filter, pause, secrets) and bumps the revision; false when it does not exist.</summary>
    Task<bool> UpdateAsync(OutboundSubscription subscription, CancellationToken cancellationToken);

    /// <summary>Removes a subscription with its cursors and log; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>The subscription's cursors.</summary>
    Task<IReadOnlyList<OutboundCursor>> CursorsAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Adds cursors at seq 0 for newly found calls (those it has are kept) and moves the calls mark forward to <paramref name="callsMark"/>.</summary>
    Task TrackAsync(string subscriptionId, IReadOnlyList<string> callIds, long callsMark, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a cursor if its seq is still <paramref name="expectedSeq"/> (a replay moves it
    /// under the deliverer's feet), in one transaction with the attempts that moved it since its
    /// last write; false (and nothing written) when it had moved.
    /// </summary>
    Task<bool> SaveAsync(OutboundCursor cursor, long expectedSeq, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken);

    /// <summary>Sets cursors for a replay (live again, errors cleared) and bumps the revision; returns how many were set.</summary>
    Task<int> ReplayAsync(string subscriptionId, IReadOnlyList<(string CallId, long Seq)> cursors, CancellationToken cancellationToken);

    /// <summary>The delivery log, newest first, optionally of one call, before an attempt's row id.</summary>
    Task<IReadOnlyList<(long Row, DeliveryAttempt Attempt)>> AttemptsAsync(string subscriptionId, string? callId, long? before, int limit, CancellationToken cancellationToken);

    /// <summary>Removes attempts older than <paramref name="before"/>; returns how many.</summary>
    Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
