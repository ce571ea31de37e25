namespace Switchboard.Server.Calls;

/// <summary>
/// Tells wallboard subscribers which calls changed. Each subscriber keeps only the latest state
/// per call, so a busy call costs one pending entry however many events it produces: coalescing
/// bounds the buffer by the number of calls, and nothing is ever dropped.
/// </summary>
public sealed class WallboardFeed
{
    private readonly Lock _gate = new();
    private WallboardSubscriber[] _subscribers = [];

    /// <summary>Number of connected wallboards.</summary>
    public int Count => Volatile.Read(ref _subscribers).Length;

    /// <summary>Registers a subscriber; dispose it to leave.</summary>
    public WallboardSubscriber Subscribe()
    {
        var subscriber = new WallboardSubscriber(this);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }

        return subscriber;
    }

    internal void MarkChanged(string callId, CallState state)
    {
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            s.Mark(callId, state);
        }
    }

    internal void Remove(WallboardSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(s => s != subscriber).ToArray();
        }
    }
}
