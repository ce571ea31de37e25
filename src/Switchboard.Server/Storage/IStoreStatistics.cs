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

    /// <summary>Notifications of other nodes' commits received (0 on a store of one node).</summary>
    long Notifications => 0;

    /// <summary>Bytes of those notifications' payloads.</summary>
    long NotificationBytes => 0;

    /// <summary>Events read back from the log to follow other nodes' commits or fill a hole.</summary>
    long FollowedEvents => 0;
}
