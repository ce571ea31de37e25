using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage.Postgres;

/// <summary>
/// The event log on PostgreSQL, shared by every node. Appends go through the same group commit
/// as SQLite's (<see cref="GroupCommitQueue"/>); each commit ends with one notification, on which
/// every other node reads the new rows and hands them to its own live views through its
/// <see cref="CommitFeed"/>. A pass every <see cref="StorageOptions.FeedCatchUpSeconds"/> compares
/// the calls the node follows with the database, so a notification lost with a connection
/// delays events, never loses them.
/// </summary>
public sealed partial class PostgresEventStore : IEventStore, IStoreStatistics, IFeedSource, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresDatabase? _ownedDatabase;
    private readonly GroupCommitQueue _queue;
    private readonly CommitFeed _feed;
    private readonly ILogger<PostgresEventStore> _logger;
    private readonly string _nodeId;
    private readonly TimeSpan _catchUp;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _listener;
    private readonly Thread _follower;
    private readonly System.Collections.Concurrent.BlockingCollection<Notice> _notices = [];
    private long _notifications;
    private long _notificationBytes;
    private long _followMark;

    /// <summary>Opens the log on its own connection pool (disposed with the store): for tools and tests.</summary>
    /// <exception cref="StorageStartException">PostgreSQL is not configured, not reachable or refuses the login.</exception>
    public PostgresEventStore(ICommitSink sink, IOptions<StorageOptions> options, ILogger<PostgresEventStore> logger)
        : this(new PostgresDatabase(options), sink, options, logger, ownsDatabase: true)
    {
    }

    /// <summary>Brings the log's schema up to date on the node's database and starts the writer and the listener.</summary>
    /// <exception cref="StorageStartException">The database refused the log's migration.</exception>
    public PostgresEventStore(PostgresDatabase database, ICommitSink sink, IOptions<StorageOptions> options, ILogger<PostgresEventStore> logger)
        : this(database, sink, options, logger, ownsDatabase: false)
    {
    }

    private PostgresEventStore(PostgresDatabase database, ICommitSink sink, IOptions<StorageOptions> options, ILogger<PostgresEventStore> logger, bool ownsDatabase)
    {
        _logger = logger;
        _ownedDatabase = ownsDatabase ? database : null;
        var settings = options.Value;
        _nodeId = database.NodeId;
        _catchUp = TimeSpan.FromSeconds(settings.FeedCatchUpSeconds);
        _dataSource = database.DataSource;
        var found = database.Migrate("log", PostgresMigrations.Log);
        long startMark;
        List<(string, long)> active = [];
        using (var connection = _dataSource.OpenConnection())
        {
            // The mark and the active calls from one snapshot, so no call ends between the two.
            using var snapshot = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            using var mark = new NpgsqlCommand("SELECT COALESCE(MAX(mark), 0) FROM calls;", connection, snapshot);
            startMark = (long)mark.ExecuteScalar()!;
            using var calls = new NpgsqlCommand("SELECT call_id, last_seq FROM calls WHERE ended_at IS NULL;", connection, snapshot);
            using var reader = calls.ExecuteReader();
            while (reader.Read())
            {
                active.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        LogOpened(_nodeId, found, PostgresMigrations.Log.Length);
        _followMark = startMark;
        _feed = new CommitFeed(sink, this);
        _feed.Seed(startMark, active);
        _queue = new GroupCommitQueue(new PostgresEventWriter(_dataSource, _nodeId), _feed.OnLocal, settings, logger);
        // The follower reads other nodes' commits with blocking calls on a thread of its own, so
        // a busy node never waits for the thread pool to grow (that stalled delivery for a second).
        _follower = new Thread(Follow) { IsBackground = true, Name = "log follower " + _nodeId };
        _follower.Start();
        _listener = Task.Run(() => ListenAsync(_stopping.Token));
    }

    /// <summary>This node's name in the log's notifications.</summary>
    public string NodeId => _nodeId;

    /// <summary>Events committed by this node since start.</summary>
    public long CommittedEvents => _queue.CommittedEvents;

    /// <summary>Transactions committed by this node since start.</summary>
    public long Commits => _queue.Commits;

    /// <summary>Append requests waiting for the writer.</summary>
    public int QueueLength => _queue.QueueLength;

    /// <summary>Notifications of other nodes' commits received.</summary>
    public long Notifications => Interlocked.Read(ref _notifications);

    /// <summary>Bytes of those notifications' payloads.</summary>
    public long NotificationBytes => Interlocked.Read(ref _notificationBytes);

    /// <summary>Events read back from the log to follow other nodes or fill a hole.</summary>
    public long FollowedEvents => _feed.FilledEvents;

    /// <inheritdoc />
    public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        _queue.AppendAsync(events, derived: false, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AppendResult>> AppendDerivedAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        _queue.AppendAsync(events, derived: true, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string callId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT call_id, seq, event_id, type, at, received_at, data, traceparent FROM events WHERE call_id = @call AND seq > @after ORDER BY seq LIMIT @limit;");
        command.Parameters.AddWithValue("call", callId);
        command.Parameters.AddWithValue("after", afterSeq);
        command.Parameters.AddWithValue("limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<StoredEvent>(Math.Min(limit, 1024));
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(ToEvent(reader));
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallRecord>> ListCallsAsync(CallQuery query, CancellationToken cancellationToken)
    {
        var where = query.Status switch
        {
            "active" => "WHERE ended_at IS NULL",
            "ended" => "WHERE ended_at IS NOT NULL",
            _ => "WHERE TRUE",
        };
        if (query.Before is not null)
        {
            where += " AND (first_at < @before OR (first_at = @before AND call_id < @beforeId))";
        }

        await using var command = _dataSource.CreateCommand(
            $"SELECT call_id, first_at, last_at, last_seq, ended_at, end_reason FROM calls {where} ORDER BY first_at DESC, call_id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("limit", (long)query.Limit);
        if (query.Before is { } before)
        {
            command.Parameters.AddWithValue("before", before.FirstAt.UtcTicks);
            command.Parameters.AddWithValue("beforeId", before.CallId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<CallRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new CallRecord(
                reader.GetString(0),
                SqliteEventStore.FromTicks(reader.GetInt64(1)),
                SqliteEventStore.FromTicks(reader.GetInt64(2)),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : SqliteEventStore.FromTicks(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListActiveCallIdsAsync(CancellationToken cancellationToken)
    {
        var calls = await ListCallsAsync(new CallQuery("active", int.MaxValue), cancellationToken).ConfigureAwait(false);
        return calls.Select(c => c.CallId).ToList();
    }

    /// <inheritdoc />
    public async Task<long> CallsMarkAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT COALESCE(MAX(mark), 0) FROM calls;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallProgress>> CallProgressAsync(long createdAfter, IReadOnlyCollection<string> callIds, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT call_id, last_seq, mark FROM calls WHERE mark > @after OR call_id = ANY(@ids);");
        command.Parameters.AddWithValue("after", createdAfter);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = callIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<CallProgress>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new CallProgress(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        if (!_queue.IsRunning)
        {
            return false;
        }

        try
        {
            await using var command = _dataSource.CreateCommand("SELECT NOT pg_is_in_recovery();");
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Stops the listener and the writer (committing what is queued).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _listener.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _notices.CompleteAdding();
        _follower.Join();
        _notices.Dispose();

        await _queue.DisposeAsync().ConfigureAwait(false);
        if (_ownedDatabase is not null)
        {
            await _ownedDatabase.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <inheritdoc />
    List<StoredEvent> IFeedSource.Read(IReadOnlyList<(string CallId, long After, long UpTo)> ranges)
    {
        using var command = _dataSource.CreateCommand(
            """
            SELECT e.call_id, e.seq, e.event_id, e.type, e.at, e.received_at, e.data, e.traceparent
            FROM unnest(@calls, @after, @upto) AS w(call_id, after, upto)
            CROSS JOIN LATERAL (
                SELECT * FROM events e WHERE e.call_id = w.call_id AND e.seq > w.after AND e.seq <= w.upto ORDER BY e.seq
            ) e
            ORDER BY e.call_id, e.seq;
            """);
        command.Parameters.Add(new NpgsqlParameter("calls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ranges.Select(r => r.CallId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ranges.Select(r => r.After).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("upto", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ranges.Select(r => r.UpTo).ToArray() });
        using var reader = command.ExecuteReader();
        var events = new List<StoredEvent>();
        while (reader.Read())
        {
            events.Add(ToEvent(reader));
        }

        return events;
    }

    /// <inheritdoc />
    Dictionary<string, long?> IFeedSource.DescribeStoredBefore(long mark, IReadOnlyList<string> callIds)
    {
        using var command = _dataSource.CreateCommand(
            """
            SELECT c.call_id, (SELECT MIN(seq) FROM events e WHERE e.call_id = c.call_id AND e.type = 'call.ended')
            FROM calls c WHERE c.call_id = ANY(@ids) AND c.mark <= @mark;
            """);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = callIds.ToArray() });
        command.Parameters.AddWithValue("mark", mark);
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, long?>(StringComparer.Ordinal);
        while (reader.Read())
        {
            result[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        return result;
    }

    /// <summary>An event from a row of (call_id, seq, event_id, type, at, received_at, data, traceparent).</summary>
    private static StoredEvent ToEvent(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        SqliteEventStore.FromTicks(reader.GetInt64(4)),
        SqliteEventStore.FromTicks(reader.GetInt64(5)),
        JsonElement.Parse(reader.GetString(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7));

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {LogNotice.Channel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Whatever was committed while this node was not listening.
                Add(Notice.CatchUp);
                var caughtUp = System.Diagnostics.Stopwatch.GetTimestamp();
                delay = TimeSpan.FromMilliseconds(200);
                while (!cancellationToken.IsCancellationRequested)
                {
                    // Whole milliseconds, at least one: Npgsql takes the timeout in milliseconds and 0 as "wait for ever".
                    var due = Math.Ceiling((_catchUp - System.Diagnostics.Stopwatch.GetElapsedTime(caughtUp)).TotalMilliseconds);
                    if (due >= 1)
                    {
                        await connection.WaitAsync((int)due, cancellationToken).ConfigureAwait(false);
                    }

                    if (System.Diagnostics.Stopwatch.GetElapsedTime(caughtUp) >= _catchUp)
                    {
                        Add(Notice.CatchUp);
                        caughtUp = System.Diagnostics.Stopwatch.GetTimestamp();
                    }
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down (the connection may fail as the data source closes): not a failure.
                return;
            }
#pragma warning disable CA1031 // The listener outlives any failure of the database: it reconnects.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogListenerFailed(ex, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs args)
    {
        var (node, calls, row) = LogNotice.Parse(args.Payload);
        if (node == _nodeId)
        {
            return;
        }

        Interlocked.Increment(ref _notifications);
        Interlocked.Add(ref _notificationBytes, System.Text.Encoding.UTF8.GetByteCount(args.Payload));
        Add(new Notice(calls, row, false));
    }

    /// <summary>
    /// The follower thread: takes every notice waiting, merges them (the highest seq per call),
    /// and reads what they name in one query; a catch-up request compares everything instead.
    /// </summary>
    private void Follow()
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!_notices.IsCompleted)
        {
            if (!_notices.TryTake(out var first, Timeout.Infinite))
            {
                return;
            }

            var merged = new Dictionary<string, long>(StringComparer.Ordinal);
            var catchUp = false;
            var rows = new List<long>();
            for (var notice = first; notice is not null; notice = _notices.TryTake(out var next) ? next : null)
            {
                catchUp |= notice.IsCatchUp;
                if (notice.Row is { } row)
                {
                    rows.Add(row);
                }

                foreach (var (callId, lastSeq) in notice.Calls)
                {
                    merged[callId] = Math.Max(lastSeq, merged.GetValueOrDefault(callId));
                }
            }

            try
            {
                catchUp |= !ReadStoredNotices(rows, merged);
                if (merged.Count > 0)
                {
                    _feed.OnRemote([.. merged.Select(p => (p.Key, p.Value))]);
                }

                if (catchUp)
                {
                    CatchUp();
                }

                delay = TimeSpan.FromMilliseconds(200);
            }
#pragma warning disable CA1031 // The follower outlives any failure of the database: the next catch-up pass reads what was missed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogListenerFailed(ex, delay.TotalMilliseconds);
                Thread.Sleep(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
                Add(Notice.CatchUp);
            }
        }
    }

    private void Add(Notice notice)
    {
        try
        {
            _notices.Add(notice);
        }
        catch (InvalidOperationException)
        {
            // Stopping.
        }
    }

    /// <summary>Adds the calls of notices too wide for a notification; false when one was pruned already (compare everything then).</summary>
    private bool ReadStoredNotices(List<long> rows, Dictionary<string, long> merged)
    {
        if (rows.Count == 0)
        {
            return true;
        }

        using var command = _dataSource.CreateCommand("SELECT payload FROM log_notices WHERE id = ANY(@ids);");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.ToArray() });
        var found = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found++;
            foreach (var (callId, lastSeq) in LogNotice.Parse(reader.GetString(0)).Calls)
            {
                merged[callId] = Math.Max(lastSeq, merged.GetValueOrDefault(callId));
            }
        }

        return found == rows.Count;
    }

    /// <summary>What the follower is asked to read: the calls of a notification, a stored notice's row, or a full comparison.</summary>
    private sealed record Notice(IReadOnlyList<(string CallId, long LastSeq)> Calls, long? Row, bool IsCatchUp)
    {
        public static readonly Notice CatchUp = new([], null, true);
    }

    private void CatchUp()
    {
        var positions = _feed.Positions();
        using var command = _dataSource.CreateCommand("SELECT call_id, last_seq, mark FROM calls WHERE mark > @after OR (ended_at IS NULL AND call_id = ANY(@ids));");
        command.Parameters.AddWithValue("after", _followMark);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = positions.Keys.ToArray() });
        var behind = new List<(string, long)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var callId = reader.GetString(0);
                var lastSeq = reader.GetInt64(1);
                _followMark = Math.Max(_followMark, reader.GetInt64(2));
                if (lastSeq > positions.GetValueOrDefault(callId))
                {
                    behind.Add((callId, lastSeq));
                }
            }
        }

        if (behind.Count > 0)
        {
            _feed.OnRemote(behind);
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Event log on PostgreSQL as node {Node} (schema version {Found} → {Latest})")]
    private partial void LogOpened(string node, int found, int latest);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Following other nodes' commits failed; listening again in {DelayMs} ms")]
    private partial void LogListenerFailed(Exception ex, double delayMs);
}
