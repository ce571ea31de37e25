using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Outbound;

/// <summary>
/// Subscriptions, cursors and the delivery log in <c>outbound.db</c> beside the log: a cursor
/// moves with every delivery, and in its own file those writes never wait for the log's writer.
/// </summary>
public sealed class SqliteOutboundRecords(SqliteConnectionFactory log) : IOutboundRecords, IDisposable
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "outbound.db";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE outbound_subscriptions (
            id              TEXT    NOT NULL PRIMARY KEY,
            name            TEXT    NOT NULL,
            url             TEXT    NOT NULL,
            secret          TEXT    NOT NULL,
            previous_secret TEXT,
            previous_until  INTEGER,
            event_types     TEXT    NOT NULL,
            call_id         TEXT,
            paused          INTEGER NOT NULL,
            created_at      INTEGER NOT NULL,
            calls_mark      INTEGER NOT NULL,
            revision        INTEGER NOT NULL
        );
        CREATE TABLE outbound_cursors (
            subscription_id TEXT    NOT NULL REFERENCES outbound_subscriptions (id) ON DELETE CASCADE,
            call_id         TEXT    NOT NULL,
            delivered_seq   INTEGER NOT NULL,
            dead            INTEGER NOT NULL DEFAULT 0,
            failing_since   INTEGER,
            last_error      TEXT,
            ended           INTEGER NOT NULL DEFAULT 0,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (subscription_id, call_id)
        );
        CREATE TABLE outbound_attempts (
            row             INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription_id TEXT    NOT NULL REFERENCES outbound_subscriptions (id) ON DELETE CASCADE,
            at              INTEGER NOT NULL,
            delivery_id     TEXT    NOT NULL,
            call_id         TEXT    NOT NULL,
            seq             INTEGER NOT NULL,
            event_type      TEXT    NOT NULL,
            attempt         INTEGER NOT NULL,
            status          INTEGER,
            error           TEXT,
            duration_ms     REAL    NOT NULL
        );
        CREATE INDEX ix_outbound_attempts_subscription ON outbound_attempts (subscription_id, row);
        CREATE INDEX ix_outbound_attempts_at ON outbound_attempts (at);
        """,
    ];

    private const string Columns = "id, name, url, secret, previous_secret, previous_until, event_types, call_id, paused, created_at, calls_mark, revision";

    private const int MaxSavesPerTransaction = 256;
    private readonly SqliteConnectionFactory _connections = log.Sibling(FileName, "NORMAL", Migrations);
    private readonly Channel<PendingSave> _saves = Channel.CreateUnbounded<PendingSave>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _saver;
    private SqliteConnection? _writer;

    /// <inheritdoc />
    public async Task AddAsync(OutboundSubscription subscription, IReadOnlyList<(string CallId, long Seq)> cursors, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO outbound_subscriptions ({Columns}) VALUES ($id, $name, $url, $secret, $previous, $until, $types, $call, $paused, $created, $mark, 1);";
            Bind(insert, subscription);
            insert.Parameters.AddWithValue("$created", subscription.CreatedAt.UtcTicks);
            insert.Parameters.AddWithValue("$mark", subscription.CallsMark);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (callId, seq) in cursors)
        {
            await using var cursor = connection.CreateCommand();
            cursor.Transaction = tx;
            cursor.CommandText = "INSERT INTO outbound_cursors (subscription_id, call_id, delivered_seq, updated_at) VALUES ($sub, $call, $seq, $now);";
            cursor.Parameters.AddWithValue("$sub", subscription.Id);
            cursor.Parameters.AddWithValue("$call", callId);
            cursor.Parameters.AddWithValue("$seq", seq);
            cursor.Parameters.AddWithValue("$now", subscription.CreatedAt.UtcTicks);
            await cursor.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboundSubscription>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM outbound_subscriptions ORDER BY created_at, id;";
        return await ReadSubscriptionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<OutboundSubscription?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM outbound_subscriptions WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return (await ReadSubscriptionsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(OutboundSubscription subscription, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE outbound_subscriptions SET name = $name, url = $url, secret = $secret, previous_secret = $previous, previous_until = $until,
                event_types = $types, call_id = $call, paused = $paused, revision = revision + 1
            WHERE id = $id;
            """;
        Bind(command, subscription);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM outbound_subscriptions WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboundCursor>> CursorsAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT subscription_id, call_id, delivered_seq, dead, failing_since, last_error, ended, updated_at FROM outbound_cursors WHERE subscription_id = $sub ORDER BY call_id;";
        command.Parameters.AddWithValue("$sub", subscriptionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var cursors = new List<OutboundCursor>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cursors.Add(new OutboundCursor(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetInt64(3) != 0,
                reader.IsDBNull(4) ? null : SqliteEventStore.FromTicks(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6) != 0,
                SqliteEventStore.FromTicks(reader.GetInt64(7))));
        }

        return cursors;
    }

    /// <inheritdoc />
    public async Task TrackAsync(string subscriptionId, IReadOnlyList<string> callIds, long callsMark, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow.UtcTicks;
        foreach (var callId in callIds)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT OR IGNORE INTO outbound_cursors (subscription_id, call_id, delivered_seq, updated_at) SELECT $sub, $call, 0, $now WHERE EXISTS (SELECT 1 FROM outbound_subscriptions WHERE id = $sub);";
            insert.Parameters.AddWithValue("$sub", subscriptionId);
            insert.Parameters.AddWithValue("$call", callId);
            insert.Parameters.AddWithValue("$now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var mark = connection.CreateCommand())
        {
            mark.Transaction = tx;
            mark.CommandText = "UPDATE outbound_subscriptions SET calls_mark = MAX(calls_mark, $mark) WHERE id = $sub;";
            mark.Parameters.AddWithValue("$sub", subscriptionId);
            mark.Parameters.AddWithValue("$mark", callsMark);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Saves made at the same time (the calls delivered at once) are written by one writer in one
    /// transaction, each still only if its cursor had not moved.
    /// </remarks>
    public Task<bool> SaveAsync(OutboundCursor cursor, long expectedSeq, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        var save = new PendingSave(cursor, expectedSeq, [.. attempts]);
        if (!_saves.Writer.TryWrite(save))
        {
            throw new ObjectDisposedException(nameof(SqliteOutboundRecords));
        }

        lock (_saves)
        {
            _saver ??= Task.Factory.StartNew(SaveLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        return save.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the writer of saves once those queued are written.</summary>
    public void Dispose()
    {
        _saves.Writer.TryComplete();
        Task? saver;
        lock (_saves)
        {
            saver = _saver;
        }

        saver?.Wait(TimeSpan.FromSeconds(10));
    }

    private sealed record PendingSave(OutboundCursor Cursor, long ExpectedSeq, DeliveryAttempt[] Attempts)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void SaveLoop()
    {
        var reader = _saves.Reader;
        var group = new List<PendingSave>();
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                group.Clear();
                while (group.Count < MaxSavesPerTransaction && reader.TryRead(out var save))
                {
                    group.Add(save);
                }

                if (!TryWrite(group))
                {
                    // The group rolled back: each save alone, so one that fails fails by itself.
                    foreach (var save in group)
                    {
                        TryWrite([save]);
                    }
                }
            }
        }
        finally
        {
            _writer?.Dispose();
        }
    }

    /// <summary>Writes the saves in one transaction and answers each; false (none answered when several) when it failed.</summary>
    private bool TryWrite(List<PendingSave> group)
    {
        var written = new bool[group.Count];
        try
        {
            var connection = _writer ??= _connections.Open();
            using var tx = connection.BeginTransaction();
            using var update = connection.CreateCommand();
            update.Transaction = tx;
            update.CommandText = """
                UPDATE outbound_cursors SET delivered_seq = $seq, dead = $dead, failing_since = $failing, last_error = $error, ended = $ended, updated_at = $now
                WHERE subscription_id = $sub AND call_id = $call AND delivered_seq = $expected AND dead = 0;
                """;
            var u = new[] { "$sub", "$call", "$seq", "$dead", "$failing", "$error", "$ended", "$now", "$expected" }
                .Select(name => update.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO outbound_attempts (subscription_id, at, delivery_id, call_id, seq, event_type, attempt, status, error, duration_ms)
                VALUES ($sub, $at, $delivery, $call, $seq, $type, $attempt, $status, $error, $duration);
                """;
            var a = new[] { "$sub", "$at", "$delivery", "$call", "$seq", "$type", "$attempt", "$status", "$error", "$duration" }
                .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
            for (var i = 0; i < group.Count; i++)
            {
                var (cursor, expected, attempts) = (group[i].Cursor, group[i].ExpectedSeq, group[i].Attempts);
                u[0].Value = cursor.SubscriptionId;
                u[1].Value = cursor.CallId;
                u[2].Value = cursor.DeliveredSeq;
                u[3].Value = cursor.DeadLettered ? 1 : 0;
                u[4].Value = (object?)cursor.FailingSince?.UtcTicks ?? DBNull.Value;
                u[5].Value = (object?)cursor.LastError ?? DBNull.Value;
                u[6].Value = cursor.Ended ? 1 : 0;
                u[7].Value = cursor.UpdatedAt.UtcTicks;
                u[8].Value = expected;
                written[i] = update.ExecuteNonQuery() == 1;
                if (!written[i])
                {
                    // Moved by a replay: nothing of this save is written.
                    continue;
                }

                foreach (var attempt in attempts)
                {
                    a[0].Value = attempt.SubscriptionId;
                    a[1].Value = attempt.At.UtcTicks;
                    a[2].Value = attempt.DeliveryId;
                    a[3].Value = attempt.CallId;
                    a[4].Value = attempt.Seq;
                    a[5].Value = attempt.EventType;
                    a[6].Value = attempt.Attempt;
                    a[7].Value = (object?)attempt.Status ?? DBNull.Value;
                    a[8].Value = (object?)attempt.Error ?? DBNull.Value;
                    a[9].Value = attempt.DurationMs;
                    insert.ExecuteNonQuery();
                }
            }

            tx.Commit();
        }
#pragma warning disable CA1031 // Whatever failed the transaction, every save is answered.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The connection starts afresh for the next transaction.
            _writer?.Dispose();
            _writer = null;
            if (group.Count > 1)
            {
                return false;
            }

            group[0].Done.TrySetException(ex);
            return true;
        }

        for (var i = 0; i < group.Count; i++)
        {
            group[i].Done.TrySetResult(written[i]);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<int> ReplayAsync(string subscriptionId, IReadOnlyList<(string CallId, long Seq)> cursors, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var set = 0;
        var now = DateTimeOffset.UtcNow.UtcTicks;
        foreach (var (callId, seq) in cursors)
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = tx;
            upsert.CommandText = """
                INSERT INTO outbound_cursors (subscription_id, call_id, delivered_seq, updated_at) VALUES ($sub, $call, $seq, $now)
                ON CONFLICT (subscription_id, call_id) DO UPDATE SET delivered_seq = excluded.delivered_seq, dead = 0, failing_since = NULL,
                    last_error = NULL, ended = 0, updated_at = excluded.updated_at;
                """;
            upsert.Parameters.AddWithValue("$sub", subscriptionId);
            upsert.Parameters.AddWithValue("$call", callId);
            upsert.Parameters.AddWithValue("$seq", seq);
            upsert.Parameters.AddWithValue("$now", now);
            set += await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var bump = connection.CreateCommand())
        {
            bump.Transaction = tx;
            bump.CommandText = "UPDATE outbound_subscriptions SET revision = revision + 1 WHERE id = $sub;";
            bump.Parameters.AddWithValue("$sub", subscriptionId);
            await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return set;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(long Row, DeliveryAttempt Attempt)>> AttemptsAsync(string subscriptionId, string? callId, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT row, subscription_id, at, delivery_id, call_id, seq, event_type, attempt, status, error, duration_ms FROM outbound_attempts
            WHERE subscription_id = $sub AND ($call IS NULL OR call_id = $call) AND row < $before
            ORDER BY row DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$sub", subscriptionId);
        command.Parameters.AddWithValue("$call", (object?)callId ?? DBNull.Value);
        command.Parameters.AddWithValue("$before", before ?? long.MaxValue);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await OutboundRows.ReadAttemptsAsync(reader, SqliteEventStore.FromTicks, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM outbound_attempts WHERE at < $before;";
        command.Parameters.AddWithValue("$before", before.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(SqliteCommand command, OutboundSubscription s)
    {
        command.Parameters.AddWithValue("$id", s.Id);
        command.Parameters.AddWithValue("$name", s.Name);
        command.Parameters.AddWithValue("$url", s.Url);
        command.Parameters.AddWithValue("$secret", s.Secret);
        command.Parameters.AddWithValue("$previous", (object?)s.PreviousSecret ?? DBNull.Value);
        command.Parameters.AddWithValue("$until", (object?)s.PreviousUntil?.UtcTicks ?? DBNull.Value);
        command.Parameters.AddWithValue("$types", JsonSerializer.Serialize(s.EventTypes));
        command.Parameters.AddWithValue("$call", (object?)s.CallId ?? DBNull.Value);
        command.Parameters.AddWithValue("$paused", s.Paused ? 1 : 0);
    }

    private static async Task<IReadOnlyList<OutboundSubscription>> ReadSubscriptionsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await OutboundRows.ReadSubscriptionsAsync(reader, SqliteEventStore.FromTicks, cancellationToken).ConfigureAwait(false);
    }
}
