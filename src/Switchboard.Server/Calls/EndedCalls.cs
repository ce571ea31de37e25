using System.Collections.Concurrent;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Calls;

/// <summary>
/// The state of calls that are no longer live: the stored snapshot, brought up to date with the
/// events committed after it (late events of an ended call), and stored again when it moved.
/// Concurrent readers of one call share one read, so a burst of requests for a long call costs
/// one fold, not one each.
/// </summary>
public sealed class EndedCalls(IEventStore store, CallSnapshotStore snapshots)
{
    private const int Page = 5000;
    private readonly ConcurrentDictionary<string, Lazy<Task<CallState?>>> _reading = new(StringComparer.Ordinal);

    /// <summary>The call's state from its snapshot and log, or null when the call has no events.</summary>
    public async Task<CallState?> GetAsync(string callId, CancellationToken cancellationToken)
    {
        var reading = _reading.GetOrAdd(callId, id => new Lazy<Task<CallState?>>(() => ReadAsync(id)));
        try
        {
            // The shared read is not cancelled by one reader leaving; each reader stops waiting on its own.
            return await reading.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (reading.Value.IsCompleted)
            {
                _reading.TryRemove(new KeyValuePair<string, Lazy<Task<CallState?>>>(callId, reading));
            }
        }
    }

    /// <summary>Stores the final state of a call that just ended, so that its first read is cheap too.</summary>
    public Task RememberAsync(CallState state, CancellationToken cancellationToken) => snapshots.SaveAsync(state, cancellationToken);

    private async Task<CallState?> ReadAsync(string callId)
    {
        var state = await snapshots.LoadAsync(callId, CancellationToken.None);
        var snapshotSeq = state?.LastSeq ?? 0;
        var after = snapshotSeq;
        IReadOnlyList<StoredEvent> page;
        do
        {
            page = await store.ReadAsync(callId, after, Page, CancellationToken.None);
            foreach (var e in page)
            {
                state = CallProjection.Apply(state, e);
            }

            after = page.Count > 0 ? page[^1].Seq : after;
        }
        while (page.Count == Page);

        if (state is not null && state.LastSeq > snapshotSeq)
        {
            await snapshots.SaveAsync(state, CancellationToken.None);
        }

        return state;
    }
}
