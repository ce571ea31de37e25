namespace Switchboard.Server.Storage;

/// <summary>
/// Receives every committed batch, in commit order, on the writer. Implementations must be fast
/// and must not block: they update projections and hand events to subscribers.
/// </summary>
public interface ICommitSink
{
    /// <summary>Called once per committed batch with the newly stored events (duplicates excluded).</summary>
    void OnCommitted(CommittedBatch batch);
}
