using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Streaming;

/// <summary>
/// Every committed event of every call, in order per call, with no gap and no duplicate: live from
/// the hub while it keeps up, and from the log when its live buffer overflowed. A consumer that
/// falls behind (an analyzer under a burst) is late, never missing anything: on overflow it
/// subscribes again first, then reads what it missed from the log, call by call, from its own
/// cursor, and drops what the new subscription repeats. Ephemeral events are passed on as they
/// come live and are not read back.
/// </summary>
public sealed class LogFollower : IDisposable
{
    private const int Page = 1000;
    private readonly EventHub _hub;
    private readonly IEventStore _store;
    private readonly int _capacity;
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly Queue<(string CallId, long UpTo)> _missed = new();
    private readonly Queue<StoredEvent> _read = new();
    private Subscription _subscription;
    private long _mark;

    private LogFollower(EventHub hub, IEventStore store, int capacity, Subscription subscription, long mark)
    {
        _hub = hub;
        _store = store;
        _capacity = capacity;
        _subscription = subscription;
        _mark = mark;
    }

    /// <summary>Times the live buffer overflowed and the follower read from the log instead.</summary>
    public int CatchUps { get; private set; }

    /// <summary>Events read back from the log after overflows.</summary>
    public long EventsReadBack { get; private set; }

    /// <summary>
    /// Starts following from now: events committed from here on are all delivered, and those of
    /// <paramref name="activeCalls"/> from their current end on (a hole before the first live one is read back).
    /// </summary>
    public static async Task<LogFollower> StartAsync(EventHub hub, IEventStore store, int capacity, IReadOnlyCollection<string> activeCalls, CancellationToken cancellationToken)
    {
        // Read before subscribing: a call first stored after the mark is found again after an
        // overflow, and an active call's events between its cursor and the first live one are read back.
        var mark = await store.CallsMarkAsync(cancellationToken);
        var progress = activeCalls.Count > 0 ? await store.CallProgressAsync(long.MaxValue, activeCalls, cancellationToken) : [];
        var follower = new LogFollower(hub, store, capacity, hub.SubscribeAll(capacity), mark);
        foreach (var call in progress)
        {
            follower._cursors[call.CallId] = call.LastSeq;
        }

        return follower;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with up to <paramref name="max"/> next events, waiting until there
    /// is at least one. Returns false only when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async ValueTask<bool> NextAsync(List<StoredEvent> batch, int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_read.Count > 0 || _missed.Count > 0)
            {
                await ReadBackAsync(batch, max, cancellationToken);
                if (batch.Count > 0)
                {
                    return true;
                }

                continue;
            }

            var reader = _subscription.Reader;
            while (batch.Count < max && _missed.Count == 0 && reader.TryRead(out var e))
            {
                Take(e, batch);
            }

            if (batch.Count > 0)
            {
                return true;
            }

            if (_missed.Count > 0)
            {
                continue;
            }

            if (!await reader.WaitToReadAsync(cancellationToken))
            {
                if (!_subscription.Overflowed)
                {
                    return false;
                }

                await CatchUpAsync(cancellationToken);
            }
        }
    }

    /// <summary>Forgets a call whose end has been handled: its cursor is no longer needed.</summary>
    public void Forget(string callId) => _cursors.Remove(callId);

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();

    private void Take(StoredEvent e, List<StoredEvent> batch)
    {
        if (e.IsEphemeral)
        {
            batch.Add(e);
            return;
        }

        // A call first seen live is followed from there; a repeat of what was read back is dropped;
        // a hole (events committed before this subscription saw them) is read back, this one with it.
        if (_cursors.TryGetValue(e.CallId, out var cursor))
        {
            if (e.Seq <= cursor)
            {
                return;
            }

            if (e.Seq > cursor + 1)
            {
                _missed.Enqueue((e.CallId, e.Seq));
                return;
            }
        }

        _cursors[e.CallId] = e.Seq;
        batch.Add(e);
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        CatchUps++;
        var mark = await _store.CallsMarkAsync(cancellationToken);
        _subscription.Dispose();
        _subscription = _hub.SubscribeAll(_capacity);
        // Everything committed up to now is in the log: what the calls have beyond our cursors, and
        // the calls first stored since the previous mark, read from their first event.
        var progress = await _store.CallProgressAsync(_mark, [.. _cursors.Keys], cancellationToken);
        _mark = mark;
        foreach (var call in progress)
        {
            if (call.LastSeq > _cursors.GetValueOrDefault(call.CallId))
            {
                _cursors.TryAdd(call.CallId, 0);
                _missed.Enqueue((call.CallId, call.LastSeq));
            }
        }
    }

    private async Task ReadBackAsync(List<StoredEvent> batch, int max, CancellationToken cancellationToken)
    {
        while (batch.Count < max)
        {
            if (_read.TryDequeue(out var e))
            {
                Take(e, batch);
                continue;
            }

            if (!_missed.TryPeek(out var missed))
            {
                return;
            }

            var from = _cursors.GetValueOrDefault(missed.CallId);
            if (from >= missed.UpTo)
            {
                _missed.Dequeue();
                continue;
            }

            var page = await _store.ReadAsync(missed.CallId, from, Math.Min(Page, (int)Math.Min(int.MaxValue, missed.UpTo - from)), cancellationToken);
            if (page.Count == 0)
            {
                _missed.Dequeue();
                continue;
            }

            EventsReadBack += page.Count;
            foreach (var stored in page)
            {
                _read.Enqueue(stored);
            }

            if (page[^1].Seq >= missed.UpTo)
            {
                _missed.Dequeue();
            }
        }
    }
}
