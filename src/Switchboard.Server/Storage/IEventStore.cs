using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage;

/// <summary>
/// The append-only event log: the one source of truth. Appends are acknowledged only after the
/// batch is durably committed; each committed batch is handed to the <see cref="ICommitSink"/>
/// in commit order before the append completes.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Appends durable events. Returns one result per event, in order: its per-call seq, or the
    /// original seq when the (callId, id) pair was stored before.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Appends events the server derived from committed ones, which nobody waits on as they would
    /// on an agent's acknowledgement: the writer may hold them up to
    /// <see cref="StorageOptions.DerivedCommitDelayMilliseconds"/> to commit them in one
    /// transaction with the next batch that arrives, instead of in a commit of their own.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendDerivedAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        AppendAsync(events, cancellationToken);

    /// <summary>Reads a call's events with seq greater than <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(string callId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Lists stored calls, newest first.</summary>
    Task<IReadOnlyList<CallRecord>> ListCallsAsync(CallQuery query, CancellationToken cancellationToken);

    /// <summary>Ids of calls that have started and not ended, for rebuilding projections at start-up.</summary>
    Task<IReadOnlyList<string>> ListActiveCallIdsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A mark of the calls stored so far: a call first stored after this call has a greater
    /// <see cref="CallProgress.Mark"/>. A follower of the log uses it to find the calls it may
    /// have missed.
    /// </summary>
    Task<long> CallsMarkAsync(CancellationToken cancellationToken);

    /// <summary>How far the log of each call is: those first stored after <paramref name="createdAfter"/>, and those named.</summary>
    Task<IReadOnlyList<CallProgress>> CallProgressAsync(long createdAfter, IReadOnlyCollection<string> callIds, CancellationToken cancellationToken);

    /// <summary>True when the store is open and accepts writes.</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);
}
