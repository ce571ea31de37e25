namespace Switchboard.Server.Storage;

/// <summary>The write-path figures of the event store, for <c>/metrics</c>.</summary>
public interface IStoreStatistics
{
    /// <summary>Events committed by this node since start.</summary>
    long CommittedEvents { get; }

    /// <summary>Transactions committed by this node since start.</summary>
    long Commits { get; }

    /// <summary>Append requests waiting for the writer.</summary>
    int QueueLength { get; }
}
