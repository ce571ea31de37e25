namespace Switchboard.Sdk.Internal;

/// <summary>
/// The bounded buffer between the agent's threads and the sender. Enqueueing never waits for I/O
/// and allocates nothing (two fixed rings under a short lock): when the buffer — queued plus
/// awaiting acknowledgement — is full, the oldest queued ephemeral event is dropped, or if there is
/// none the oldest queued durable one. Events leave in report order.
/// </summary>
internal sealed class OutboundQueue
{
    private readonly Lock _gate = new();
    private readonly EventRing _durable;
    private readonly EventRing _ephemeral;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly int _capacity;
    private long _inFlight;
    private long _stamp;
    private int _signalled;
    private long _droppedEphemeral;
    private long _droppedDurable;

    public OutboundQueue(int capacity)
    {
        _capacity = capacity;
        _durable = new EventRing(capacity + 1);
        _ephemeral = new EventRing(capacity + 1);
    }

    /// <summary>Events held: queued plus sent and not yet acknowledged.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _durable.Count + _ephemeral.Count + _inFlight;
            }
        }
    }

    public long DroppedEphemeral => Interlocked.Read(ref _droppedEphemeral);

    public long DroppedDurable => Interlocked.Read(ref _droppedDurable);

    /// <summary>The highest stamp given so far.</summary>
    public long LastStamp => Interlocked.Read(ref _stamp);

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _durable.Count + _ephemeral.Count == 0;
            }
        }
    }

    public void Enqueue(QueuedEvent e)
    {
        QueuedEvent? victim = null;
        lock (_gate)
        {
            e.Stamp = ++_stamp;
            if (_durable.Count + _ephemeral.Count + _inFlight >= _capacity)
            {
                victim = _ephemeral.Take() ?? _durable.Take();
            }

            (e.IsEphemeral ? _ephemeral : _durable).Push(e);
        }

        if (victim is not null)
        {
            CountDrop(victim);
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
    /// Moves up to <paramref name="max"/> events into <paramref name="batch"/> in report order; they
    /// count as in flight until <see cref="Completed"/>. Ephemeral events reported before
    /// <paramref name="staleBefore"/> are dropped as too late.
    /// </summary>
    public void Drain(List<QueuedEvent> batch, int max, long staleBefore)
    {
        List<QueuedEvent>? stale = null;
        lock (_gate)
        {
            while (batch.Count < max)
            {
                var d = _durable.Peek();
                var p = _ephemeral.Peek();
                if (d is null && p is null)
                {
                    break;
                }

                var next = (p is null || (d is not null && d.Stamp < p.Stamp) ? _durable : _ephemeral).Take()!;
                if (next.IsEphemeral && next.AtTicks < staleBefore)
                {
                    (stale ??= []).Add(next);
                    continue;
                }

                batch.Add(next);
                _inFlight++;
            }
        }

        foreach (var e in stale ?? [])
        {
            CountDrop(e);
        }
    }

    /// <summary>Events in flight acknowledged or given up: they no longer count.</summary>
    public void Completed(int count)
    {
        lock (_gate)
        {
            _inFlight -= count;
        }
    }

    /// <summary>An event in flight given up (it could not be serialised): counted as dropped.</summary>
    public void Discarded(QueuedEvent e)
    {
        Completed(1);
        CountDrop(e);
    }

    /// <summary>The smallest stamp still queued, or <see cref="long.MaxValue"/>.</summary>
    public long OldestQueuedStamp()
    {
        lock (_gate)
        {
            return Math.Min(_durable.Peek()?.Stamp ?? long.MaxValue, _ephemeral.Peek()?.Stamp ?? long.MaxValue);
        }
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

        SdkMetrics.Dropped.Add(1);
        e.Call.OnDropped(e.IsEphemeral);
    }
}
