using System.Diagnostics;
using System.Threading.Channels;

namespace Switchboard.Server.Storage;

/// <summary>
/// The queue in front of a store's writer, shared by every event store: one writer thread drains
/// the append requests and commits them in groups (group commit); each caller is answered only
/// after its group has committed and the committed events were handed to the
/// <see cref="ICommitSink"/>. A group that fails is committed again request by request, so a
/// request the store refuses fails alone.
/// </summary>
internal sealed partial class GroupCommitQueue : IAsyncDisposable
{
    private readonly IEventWriter _writer;
    private readonly Action<CommittedBatch> _committed;
    private readonly ILogger _logger;
    /// <summary>Derived events that are committed without waiting for a batch to join.</summary>
    internal const int DerivedEventsWorthACommit = 256;

    private readonly Channel<AppendRequest> _queue;
    private readonly Task _writerLoop;
    private readonly int _maxEventsPerCommit;
    private readonly TimeSpan _slowCommit;
    private readonly long _derivedDelayTicks;
    private readonly Lock _writing = new();
    private readonly SemaphoreSlim _queued = new(0);
    private int _disposed;
    private long _committedEvents;
    private long _commits;

    /// <summary>Starts the writer thread.</summary>
    /// <param name="writer">The store's writer.</param>
    /// <param name="committed">Receives each committed batch on the writer thread before its callers are answered.</param>
    /// <param name="options">Queue capacity, group size and the slow-commit warning.</param>
    /// <param name="logger">The store's logger.</param>
    public GroupCommitQueue(IEventWriter writer, Action<CommittedBatch> committed, StorageOptions options, ILogger logger)
    {
        _writer = writer;
        _committed = committed;
        _logger = logger;
        _maxEventsPerCommit = options.MaxEventsPerCommit;
        _slowCommit = options.SlowCommitWarningMilliseconds > 0 ? TimeSpan.FromMilliseconds(options.SlowCommitWarningMilliseconds) : TimeSpan.MaxValue;
        _derivedDelayTicks = options.DerivedCommitDelayMilliseconds * Stopwatch.Frequency / 1000;
        _queue = Channel.CreateBounded<AppendRequest>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // The writer has a thread of its own: its commits block on the database, and on a
        // two-core machine the thread pool starts with two threads that the network I/O needs.
        _writerLoop = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Events committed since start.</summary>
    public long CommittedEvents => Interlocked.Read(ref _committedEvents);

    /// <summary>Transactions committed since start (events per commit shows the group-commit effect).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Append requests waiting for the writer.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>False once the writer has stopped.</summary>
    public bool IsRunning => !_writerLoop.IsCompleted;

    /// <summary>Queues the events and waits for their commit.</summary>
    /// <param name="events">The events, committed together.</param>
    /// <param name="derived">True for events the server derived from committed ones: they may wait for the next batch to commit with (<see cref="StorageOptions.DerivedCommitDelayMilliseconds"/>).</param>
    /// <param name="cancellationToken">Stops the wait; once queued, the events are committed or failed as a whole.</param>
    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<NewEvent> events, bool derived, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var request = new AppendRequest(events, derived);
        await _queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        _queued.Release();
        // Once queued the request is committed or failed as a whole; cancellation only stops the wait.
        return await request.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="action"/> between two commits, with the writer held back until it
    /// returns (the SQLite checkpointer's short final pass).
    /// </summary>
    public T BetweenCommits<T>(Func<T> action)
    {
        lock (_writing)
        {
            return action();
        }
    }

    /// <summary>Stops accepting appends, commits what is queued and closes the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        // The container may dispose a store once per service it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _writerLoop.ConfigureAwait(false);
            return;
        }

        _queue.Writer.TryComplete();
        _queued.Release();
        await _writerLoop.ConfigureAwait(false);
        _writer.Dispose();
        // _queued is left undisposed: an append racing the stop may still release it, and a
        // SemaphoreSlim whose wait handle was never asked for holds nothing to free.
    }

    private void WriteLoop()
    {
        var pending = new List<AppendRequest>();
        var reader = _queue.Reader;
        while (true)
        {
            // One release per queued request, signalled by the appender itself: the writer wakes
            // without needing a thread-pool thread, so a starved pool cannot hold commits back.
            // Requests taken along with an earlier one leave releases behind; those turns find
            // the queue empty and wait again.
            _queued.Wait();
            pending.Clear();
            var count = 0;
            var awaited = Take(reader, pending, ref count);
            if (!awaited && pending.Count > 0 && count < DerivedEventsWorthACommit)
            {
                // Only a few derived events so far: give the next batch a moment to arrive and
                // commit them in its transaction, where they touch the same calls' pages once.
                // A larger group of them (the analyzer catching up) is worth a commit of its own.
                var until = pending[0].QueuedAt + _derivedDelayTicks;
                while (!awaited && count < DerivedEventsWorthACommit && Volatile.Read(ref _disposed) == 0
                    && Stopwatch.GetTimestamp() is var now && now < until
                    && _queued.Wait(TimeSpan.FromTicks((until - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency + 1)))
                {
                    awaited = Take(reader, pending, ref count);
                }

                if (awaited && !SameCalls(pending))
                {
                    // The batch that came is for other calls: joined, its commit would also write
                    // the derived events' pages, which it is not waiting for. It commits first,
                    // and the derived events right after it.
                    var derived = pending.FindAll(r => r.Derived);
                    pending.RemoveAll(r => r.Derived);
                    CommitGroup(pending);
                    pending.Clear();
                    pending.AddRange(derived);
                }
            }

            if (pending.Count > 0)
            {
                CommitGroup(pending);
            }
            else if (reader.Completion.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>True when every call the group's derived events are for also has events of a batch in it.</summary>
    private static bool SameCalls(List<AppendRequest> group)
    {
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in group)
        {
            if (!request.Derived)
            {
                foreach (var e in request.Events)
                {
                    calls.Add(e.CallId);
                }
            }
        }

        foreach (var request in group)
        {
            if (request.Derived)
            {
                foreach (var e in request.Events)
                {
                    if (!calls.Contains(e.CallId))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Takes queued requests into the group, up to the group's size; true when one of them is not derived.</summary>
    private bool Take(ChannelReader<AppendRequest> reader, List<AppendRequest> pending, ref int count)
    {
        var awaited = false;
        while (count < _maxEventsPerCommit && reader.TryRead(out var request))
        {
            pending.Add(request);
            count += request.Events.Count;
            awaited |= !request.Derived;
        }

        return awaited;
    }

    private void CommitGroup(List<AppendRequest> group)
    {
        var started = Stopwatch.GetTimestamp();
        var collections = GC.CollectionCount(0);
        CommittedBatch batch;
        try
        {
            lock (_writing)
            {
                batch = _writer.Commit(group);
            }
        }
#pragma warning disable CA1031 // Whatever failed the group, each request is answered, and one bad request fails only itself.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (group.Count > 1)
            {
                // The group rolled back as a whole: commit its requests one by one, so that a
                // request the store refuses fails alone and every other caller is answered.
                LogGroupRetried(_logger, ex, group.Count);
                foreach (var request in group)
                {
                    CommitGroup([request]);
                }

                return;
            }

            LogCommitFailed(_logger, ex, group.Count);
            group[0].Completion.TrySetException(_writer.IsUnavailable(ex)
                ? new EventStoreUnavailableException("The event store could not commit the batch.", ex)
                : new EventStoreRefusedException("The event store refused the batch: " + ex.Message, ex));
            return;
        }

        Interlocked.Add(ref _committedEvents, batch.Events.Count);
        Interlocked.Increment(ref _commits);
        var written = Stopwatch.GetTimestamp();
        try
        {
            _committed(batch);
        }
#pragma warning disable CA1031 // A failing subscriber must never fail an acknowledged append.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSinkFailed(_logger, ex);
        }

        var timed = Operations.SwitchboardMetrics.CommitDuration.Enabled;
        foreach (var request in group)
        {
            if (timed)
            {
                Operations.SwitchboardMetrics.CommitDuration.Record(Stopwatch.GetElapsedTime(request.QueuedAt, written).TotalSeconds);
            }

            request.Completion.TrySetResult(request.Results!);
        }

        var done = Stopwatch.GetTimestamp();
        var waited = Stopwatch.GetElapsedTime(group[0].QueuedAt, started);
        if (waited + Stopwatch.GetElapsedTime(started, done) > _slowCommit)
        {
            LogSlowCommit(_logger, batch.Events.Count, waited.TotalMilliseconds, Stopwatch.GetElapsedTime(started, written).TotalMilliseconds, Stopwatch.GetElapsedTime(written, done).TotalMilliseconds, GC.CollectionCount(0) - collections);
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Slow commit of {Events} events: queued {QueuedMs:F1} ms, written in {WriteMs:F1} ms, handed to live views in {SinkMs:F1} ms, {Collections} garbage collections meanwhile")]
    private static partial void LogSlowCommit(ILogger logger, int events, double queuedMs, double writeMs, double sinkMs, int collections);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Committing {Requests} append requests failed")]
    private static partial void LogCommitFailed(ILogger logger, Exception ex, int requests);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "A commit of {Requests} append requests failed; committing them one by one")]
    private static partial void LogGroupRetried(ILogger logger, Exception ex, int requests);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "A commit subscriber failed; the events are stored")]
    private static partial void LogSinkFailed(ILogger logger, Exception ex);
}
