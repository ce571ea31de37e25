using System.Collections.Concurrent;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Streaming;

/// <summary>
/// Live fan-out of committed (and ephemeral) events to in-process subscribers. Publishing never
/// blocks: a subscriber whose buffer is full is closed with <see cref="Subscription.Overflowed"/>.
/// </summary>
public sealed class EventHub
{
    private readonly ConcurrentDictionary<string, Subscription[]> _byCall = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Subscription[] _all = [];

    /// <summary>Subscribes to one call's events. Register before reading history.</summary>
    public Subscription SubscribeCall(string callId, int capacity)
    {
        var subscription = new Subscription(callId, capacity, Remove);
        lock (_gate)
        {
            _byCall[callId] = _byCall.TryGetValue(callId, out var existing) ? [.. existing, subscription] : [subscription];
        }

        return subscription;
    }

    /// <summary>Subscribes to every call's events.</summary>
    public Subscription SubscribeAll(int capacity)
    {
        var subscription = new Subscription(null, capacity, Remove);
        lock (_gate)
        {
            _all = [.. _all, subscription];
        }

        return subscription;
    }

    /// <summary>Number of live subscriptions (for metrics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _all.Length + _byCall.Values.Sum(s => s.Length);
            }
        }
    }

    /// <summary>Hands events to subscribers in the given order.</summary>
    public void Publish(IReadOnlyList<StoredEvent> events)
    {
        var all = Volatile.Read(ref _all);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (_byCall.TryGetValue(e.CallId, out var subscribers))
            {
                foreach (var s in subscribers)
                {
                    s.Deliver(e);
                }
            }

            foreach (var s in all)
            {
                s.Deliver(e);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (subscription.CallId is null)
            {
                _all = _all.Where(s => s != subscription).ToArray();
                return;
            }

            if (_byCall.TryGetValue(subscription.CallId, out var existing))
            {
                var rest = existing.Where(s => s != subscription).ToArray();
                if (rest.Length == 0)
                {
                    _byCall.TryRemove(subscription.CallId, out _);
                }
                else
                {
                    _byCall[subscription.CallId] = rest;
                }
            }
        }
    }
}
