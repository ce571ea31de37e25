namespace Switchboard.Server.Storage;

/// <summary>
/// The one connection that writes the log of a store. <see cref="GroupCommitQueue"/> calls it
/// from its own thread, one group at a time.
/// </summary>
internal interface IEventWriter : IDisposable
{
    /// <summary>
    /// Commits every request of the group in one transaction and fills in their results; throws
    /// (with nothing stored) when the transaction failed.
    /// </summary>
    CommittedBatch Commit(List<AppendRequest> group);

    /// <summary>True when a failure of <see cref="Commit"/> means the database is unreachable, not that the batch was refused.</summary>
    bool IsUnavailable(Exception failure);
}
