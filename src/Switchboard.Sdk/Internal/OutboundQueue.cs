using System.Collections.Concurrent;

namespace Switchboard.Sdk.Internal;

/// <summary>
/// The bounded buffer between the agent's threads and the sender. Enqueueing never blocks: when
/// the buffer (queued plus awaiting acknowledgement) is full, the oldest queued ephemeral event is
/// dropped, or if there is none the oldest queued durable one. Events leave in arrival order.
/// </summary>
internal sealed class OutboundQueue(int capacity)
{
    private readonly ConcurrentQueue<QueuedEvent> _durable = new();
    private readonly ConcurrentQueue<QueuedEvent> _ephemeral = new();
    private readonly SemaphoreSlim _wake = new(0);
    private long _count;
    private long _stamp;
    private int _signalled;
    private long _droppedEphemeral;
    private long _droppedDurable;

    /// <summary>Events held: queued plus sent and not yet acknowledged.</summary>
    public long Count => Interlocked.Read(ref _count);

    public long DroppedEphemeral => Interlocked.Read(ref _droppedEphemeral);

    public long DroppedDurable => Interlocked.Read(ref _droppedDurable);

    /// <summary>The highest stamp given so far.</summary>
    public long LastStamp => Interlocked.Read(ref _stamp);

    public bool IsEmpty => _durable.IsEmpty && _ephemeral.IsEmpty;

    public void Enqueue(QueuedEvent e)
    {
        e.Stamp = Interlocked.Increment(ref _stamp);
        (e.IsEphemeral ? _ephemeral : _durable).Enqueue(e);
        if (Interlocked.Increment(ref _count) > capacity)
        {
            DropOldest();
        }

        Signal();
    }

    /// <summary>Wakes the sender (new events, a lost connection, a call to subscribe).</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Waits until something was enqueued or signalled, or the timeout passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _signalled, 0);
        if (!IsEmpty)
        {
            return;
        }

        await _wake.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> events into <paramref name="batch"/> in arrival order.
    /// Ephemeral events reported before <paramref name="staleBefore"/> are dropped as too late.
    /// </summary>
    public void Drain(List<QueuedEvent> batch, int max, long staleBefore)
    {
        while (batch.Count < max)
        {
            var hasDurable = _durable.TryPeek(out var durable);
            var hasEphemeral = _ephemeral.TryPeek(out var ephemeral);
            if (!hasDurable && !hasEphemeral)
            {
                return;
            }

            var source = !hasEphemeral || (hasDurable && durable!.Stamp < ephemeral!.Stamp) ? _durable : _ephemeral;
            if (!source.TryDequeue(out var next))
            {
                continue;
            }

            if (next.IsEphemeral && next.AtTicks < staleBefore)
            {
                Dropped(next);
                continue;
            }

            batch.Add(next);
        }
    }

    /// <summary>Events acknowledged or given up after being drained: they no longer count.</summary>
    public void Completed(int count) => Interlocked.Add(ref _count, -count);

    /// <summary>An event drained but given up (refused by the server): counted as dropped.</summary>
    public void Discarded(QueuedEvent e)
    {
        Completed(1);
        CountDrop(e);
    }

    /// <summary>The smallest stamp still queued, or <see cref="long.MaxValue"/>.</summary>
    public long OldestQueuedStamp()
    {
        var oldest = long.MaxValue;
        if (_durable.TryPeek(out var d))
        {
            oldest = d.Stamp;
        }

        if (_ephemeral.TryPeek(out var e) && e.Stamp < oldest)
        {
            oldest = e.Stamp;
        }

        return oldest;
    }

    private void DropOldest()
    {
        if (_ephemeral.TryDequeue(out var victim) || _durable.TryDequeue(out victim))
        {
            Dropped(victim);
        }
    }

    private void Dropped(QueuedEvent e)
    {
        Interlocked.Decrement(ref _count);
        CountDrop(e);
    }

    private void CountDrop(QueuedEvent e)
    {
        if (e.IsEphemeral)
        {
            Interlocked.Increment(ref _droppedEphemeral);
        }
        else
        {
            Interlocked.Increment(ref _droppedDurable);
        }

        e.Call.OnDropped(e.IsEphemeral, e.AtTicks);
    }
}
