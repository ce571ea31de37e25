using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage;

/// <summary>
/// The SQLite event log. One writer task drains a channel of append requests and commits them
/// in batches (group commit); callers are answered only after their batch has committed.
/// Reads use their own pooled connections, which WAL lets run beside the writer.
/// </summary>
public sealed partial class SqliteEventStore : IEventStore, IAsyncDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly ICommitSink _sink;
    private readonly ILogger<SqliteEventStore> _logger;
    private readonly Channel<AppendRequest> _queue;
    private readonly SqliteEventWriter _writer;
    private readonly Task _writerLoop;
    private readonly int _maxEventsPerCommit;
    private readonly TimeSpan _slowCommit;
    private readonly Lock _writing = new();
    private readonly SemaphoreSlim _queued = new(0);
    private int _disposed;
    private long _committedEvents;
    private long _commits;

    /// <summary>Opens the writer's connection and starts the writer.</summary>
    public SqliteEventStore(SqliteConnectionFactory connections, ICommitSink sink, IOptions<StorageOptions> options, ILogger<SqliteEventStore> logger)
    {
        _connections = connections;
        _sink = sink;
        _logger = logger;
        _maxEventsPerCommit = options.Value.MaxEventsPerCommit;
        _slowCommit = options.Value.SlowCommitWarningMilliseconds > 0 ? TimeSpan.FromMilliseconds(options.Value.SlowCommitWarningMilliseconds) : TimeSpan.MaxValue;
        var connection = connections.OpenWriter();
        _writer = new SqliteEventWriter(connection);
        _queue = Channel.CreateBounded<AppendRequest>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // The writer has a thread of its own: its commits block on SQLite, and on a two-core
        // machine the thread pool starts with two threads that the network I/O needs.
        _writerLoop = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Events committed since start.</summary>
    public long CommittedEvents => Interlocked.Read(ref _committedEvents);

    /// <summary>Transactions committed since start (events per commit shows the group-commit effect).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Append requests waiting for the writer.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <inheritdoc />
    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var request = new AppendRequest(events);
        await _queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        _queued.Release();
        // Once queued the request is committed or failed as a whole; cancellation only stops the wait.
        return await request.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string callId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT seq, event_id, type, at, received_at, data FROM events
            WHERE call_id = $call AND seq > $after ORDER BY seq LIMIT $limit;
            """;
        using var connection = _connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$call", callId);
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var result = new List<StoredEvent>(Math.Min(limit, 1024));
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new StoredEvent(
                callId,
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                FromTicks(reader.GetInt64(3)),
                FromTicks(reader.GetInt64(4)),
                JsonElement.Parse(reader.GetString(5))));
        }

        return Task.FromResult<IReadOnlyList<StoredEvent>>(result);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CallRecord>> ListCallsAsync(CallQuery query, CancellationToken cancellationToken)
    {
        var where = query.Status switch
        {
            "active" => "WHERE ended_at IS NULL",
            "ended" => "WHERE ended_at IS NOT NULL",
            _ => "WHERE 1 = 1",
        };
        if (query.Before is not null)
        {
            where += " AND (first_at < $before OR (first_at = $before AND call_id < $beforeId))";
        }

        using var connection = _connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT call_id, first_at, last_at, last_seq, ended_at, end_reason FROM calls {where} ORDER BY first_at DESC, call_id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit);
        if (query.Before is { } before)
        {
            command.Parameters.AddWithValue("$before", before.FirstAt.UtcTicks);
            command.Parameters.AddWithValue("$beforeId", before.CallId);
        }

        using var reader = command.ExecuteReader();
        var result = new List<CallRecord>();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new CallRecord(
                reader.GetString(0),
                FromTicks(reader.GetInt64(1)),
                FromTicks(reader.GetInt64(2)),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : FromTicks(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return Task.FromResult<IReadOnlyList<CallRecord>>(result);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListActiveCallIdsAsync(CancellationToken cancellationToken)
    {
        var calls = await ListCallsAsync(new CallQuery("active", int.MaxValue), cancellationToken).ConfigureAwait(false);
        return calls.Select(c => c.CallId).ToList();
    }

    /// <inheritdoc />
    public Task<long> CallsMarkAsync(CancellationToken cancellationToken)
    {
        using var connection = _connections.Open();
        using var command = connection.CreateCommand();
        // Rows of calls are never deleted or replaced (an upsert updates in place), so rowids grow with first storage.
        command.CommandText = "SELECT COALESCE(MAX(rowid), 0) FROM calls;";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CallProgress>> CallProgressAsync(long createdAfter, IReadOnlyCollection<string> callIds, CancellationToken cancellationToken)
    {
        using var connection = _connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT call_id, last_seq, rowid FROM calls WHERE rowid > $after OR call_id IN (SELECT value FROM json_each($ids));";
        command.Parameters.AddWithValue("$after", createdAfter);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(callIds));
        using var reader = command.ExecuteReader();
        var result = new List<CallProgress>();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new CallProgress(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return Task.FromResult<IReadOnlyList<CallProgress>>(result);
    }

    /// <inheritdoc />
    public Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        if (_writerLoop.IsCompleted)
        {
            return Task.FromResult(false);
        }

        try
        {
            using var connection = _connections.Open();
            using var command = connection.CreateCommand();
            // BEGIN IMMEDIATE takes the write lock without writing: proves the file is writable.
            command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
            command.ExecuteNonQuery();
            return Task.FromResult(true);
        }
        catch (SqliteException)
        {
            return Task.FromResult(false);
        }
    }

    /// <summary>Stops accepting appends, commits what is queued and closes the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        // The container may dispose the store once per service it is registered as.
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

    internal static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

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
            while (count < _maxEventsPerCommit && reader.TryRead(out var request))
            {
                pending.Add(request);
                count += request.Events.Count;
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

    /// <summary>
    /// Runs <paramref name="action"/> between two commits, with the writer held back until it
    /// returns (used by the checkpointer for its short final pass).
    /// </summary>
    internal T BetweenCommits<T>(Func<T> action)
    {
        lock (_writing)
        {
            return action();
        }
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
                LogGroupRetried(ex, group.Count);
                foreach (var request in group)
                {
                    CommitGroup([request]);
                }

                return;
            }

            LogCommitFailed(ex, group.Count);
            group[0].Completion.TrySetException(ex is SqliteException or IOException
                ? new EventStoreUnavailableException("The event store could not commit the batch.", ex)
                : new EventStoreRefusedException("The event store refused the batch: " + ex.Message, ex));
            return;
        }

        Interlocked.Add(ref _committedEvents, batch.Events.Count);
        Interlocked.Increment(ref _commits);
        var written = Stopwatch.GetTimestamp();
        try
        {
            _sink.OnCommitted(batch);
        }
#pragma warning disable CA1031 // A failing subscriber must never fail an acknowledged append.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSinkFailed(ex);
        }

        foreach (var request in group)
        {
            request.Completion.TrySetResult(request.Results!);
        }

        var done = Stopwatch.GetTimestamp();
        var waited = Stopwatch.GetElapsedTime(group[0].QueuedAt, started);
        if (waited + Stopwatch.GetElapsedTime(started, done) > _slowCommit)
        {
            LogSlowCommit(batch.Events.Count, waited.TotalMilliseconds, Stopwatch.GetElapsedTime(started, written).TotalMilliseconds, Stopwatch.GetElapsedTime(written, done).TotalMilliseconds, GC.CollectionCount(0) - collections);
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Slow commit of {Events} events: queued {QueuedMs:F1} ms, written in {WriteMs:F1} ms, handed to live views in {SinkMs:F1} ms, {Collections} garbage collections meanwhile")]
    private partial void LogSlowCommit(int events, double queuedMs, double writeMs, double sinkMs, int collections);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Committing {Requests} append requests failed")]
    private partial void LogCommitFailed(Exception ex, int requests);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "A commit of {Requests} append requests failed; committing them one by one")]
    private partial void LogGroupRetried(Exception ex, int requests);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "A commit subscriber failed; the events are stored")]
    private partial void LogSinkFailed(Exception ex);
}
