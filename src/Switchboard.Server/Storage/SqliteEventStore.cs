using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Storage;

/// <summary>
/// The SQLite event log. One writer task drains a channel of append requests and commits them
/// in batches (group commit); callers are answered only after their batch has committed.
/// Reads use their own pooled connections, which WAL lets run beside the writer.
/// </summary>
public sealed class SqliteEventStore : IEventStore, IStoreStatistics, IAsyncDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly GroupCommitQueue _queue;

    /// <summary>Opens the writer's connection and starts the writer.</summary>
    public SqliteEventStore(SqliteConnectionFactory connections, ICommitSink sink, IOptions<StorageOptions> options, ILogger<SqliteEventStore> logger)
    {
        _connections = connections;
        _queue = new GroupCommitQueue(new SqliteEventWriter(connections.OpenWriter()), sink.OnCommitted, options.Value, logger);
    }

    /// <summary>Events committed since start.</summary>
    public long CommittedEvents => _queue.CommittedEvents;

    /// <summary>Transactions committed since start (events per commit shows the group-commit effect).</summary>
    public long Commits => _queue.Commits;

    /// <summary>Append requests waiting for the writer.</summary>
    public int QueueLength => _queue.QueueLength;

    /// <inheritdoc />
    public Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        _queue.AppendAsync(events, derived: false, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AppendResult>> AppendDerivedAsync(IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        _queue.AppendAsync(events, derived: true, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string callId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT seq, event_id, type, at, received_at, data, traceparent FROM events
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
                JsonElement.Parse(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
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
        if (!_queue.IsRunning)
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
    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    internal static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>
    /// Runs <paramref name="action"/> between two commits, with the writer held back until it
    /// returns (used by the checkpointer for its short final pass).
    /// </summary>
    internal T BetweenCommits<T>(Func<T> action) => _queue.BetweenCommits(action);
}
