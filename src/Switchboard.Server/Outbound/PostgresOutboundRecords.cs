using System.Text.Json;
using Npgsql;
using Switchboard.Server.Storage;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Outbound;

/// <summary>Subscriptions, cursors and the delivery log in the shared database, so any node can take delivery over.</summary>
public sealed class PostgresOutboundRecords : IOutboundRecords
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE outbound_subscriptions (
            id              text    PRIMARY KEY,
            name            text    NOT NULL,
            url             text    NOT NULL,
            secret          text    NOT NULL,
            previous_secret text,
            previous_until  bigint,
            event_types     text    NOT NULL,
            call_id         text,
            paused          boolean NOT NULL,
            created_at      bigint  NOT NULL,
            calls_mark      bigint  NOT NULL,
            revision        bigint  NOT NULL
        );
        CREATE TABLE outbound_cursors (
            subscription_id text    NOT NULL REFERENCES outbound_subscriptions (id) ON DELETE CASCADE,
            call_id         text    NOT NULL,
            delivered_seq   bigint  NOT NULL,
            dead            boolean NOT NULL DEFAULT false,
            failing_since   bigint,
            last_error      text,
            ended           boolean NOT NULL DEFAULT false,
            updated_at      bigint  NOT NULL,
            PRIMARY KEY (subscription_id, call_id)
        );
        CREATE TABLE outbound_attempts (
            row             bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            subscription_id text    NOT NULL REFERENCES outbound_subscriptions (id) ON DELETE CASCADE,
            at              bigint  NOT NULL,
            delivery_id     text    NOT NULL,
            call_id         text    NOT NULL,
            seq             bigint  NOT NULL,
            event_type      text    NOT NULL,
            attempt         integer NOT NULL,
            status          integer,
            error           text,
            duration_ms     double precision NOT NULL
        );
        CREATE INDEX ix_outbound_attempts_subscription ON outbound_attempts (subscription_id, row);
        CREATE INDEX ix_outbound_attempts_at ON outbound_attempts (at);
        """,
    ];

    private const string Columns = "id, name, url, secret, previous_secret, previous_until, event_types, call_id, paused, created_at, calls_mark, revision";

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the outbound tables up to date on the shared database.</summary>
    public PostgresOutboundRecords(PostgresDatabase database)
    {
        database.Migrate("outbound", Migrations);
        _data = database.DataSource;
    }

    /// <inheritdoc />
    public async Task AddAsync(OutboundSubscription subscription, IReadOnlyList<(string CallId, long Seq)> cursors, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand($"INSERT INTO outbound_subscriptions ({Columns}) VALUES (@id, @name, @url, @secret, @previous, @until, @types, @call, @paused, @created, @mark, 1);", connection, tx))
        {
            Bind(insert, subscription);
            insert.Parameters.AddWithValue("created", subscription.CreatedAt.UtcTicks);
            insert.Parameters.AddWithValue("mark", subscription.CallsMark);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (cursors.Count > 0)
        {
            await using var cursor = new NpgsqlCommand(
                "INSERT INTO outbound_cursors (subscription_id, call_id, delivered_seq, updated_at) SELECT @sub, c, s, @now FROM unnest(@calls, @seqs) AS t(c, s);", connection, tx);
            cursor.Parameters.AddWithValue("sub", subscription.Id);
            cursor.Parameters.AddWithValue("calls", cursors.Select(c => c.CallId).ToArray());
            cursor.Parameters.AddWithValue("seqs", cursors.Select(c => c.Seq).ToArray());
            cursor.Parameters.AddWithValue("now", subscription.CreatedAt.UtcTicks);
            await cursor.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboundSubscription>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand($"SELECT {Columns} FROM outbound_subscriptions ORDER BY created_at, id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await OutboundRows.ReadSubscriptionsAsync(reader, SqliteEventStore.FromTicks, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<OutboundSubscription?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand($"SELECT {Columns} FROM outbound_subscriptions WHERE id = @id;");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return (await OutboundRows.ReadSubscriptionsAsync(reader, SqliteEventStore.FromTicks, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(OutboundSubscription subscription, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("""
            UPDATE outbound_subscriptions SET name = @name, url = @url, secret = @secret, previous_secret = @previous, previous_until = @until,
                event_types = @types, call_id = @call, paused = @paused, revision = revision + 1
            WHERE id = @id;
            """);
        Bind(command, subscription);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("DELETE FROM outbound_subscriptions WHERE id = @id;");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboundCursor>> CursorsAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT subscription_id, call_id, delivered_seq, dead, failing_since, last_error, ended, updated_at FROM outbound_cursors WHERE subscription_id = @sub ORDER BY call_id;");
        command.Parameters.AddWithValue("sub", subscriptionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var cursors = new List<OutboundCursor>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cursors.Add(new OutboundCursor(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : SqliteEventStore.FromTicks(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetBoolean(6),
                SqliteEventStore.FromTicks(reader.GetInt64(7))));
        }

        return cursors;
    }

    /// <inheritdoc />
    public async Task TrackAsync(string subscriptionId, IReadOnlyList<string> callIds, long callsMark, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO outbound_cursors (subscription_id, call_id, delivered_seq, updated_at)
            SELECT @sub, c, 0, @now FROM unnest(@calls) AS t(c) WHERE EXISTS (SELECT 1 FROM outbound_subscriptions WHERE id = @sub)
            ON CONFLICT DO NOTHING;
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("sub", subscriptionId);
            insert.Parameters.AddWithValue("calls", callIds.ToArray());
            insert.Parameters.AddWithValue("now", DateTimeOffset.UtcNow.UtcTicks);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var mark = new NpgsqlCommand("UPDATE outbound_subscriptions SET calls_mark = GREATEST(calls_mark, @mark) WHERE id = @sub;", connection, tx))
        {
            mark.Parameters.AddWithValue("sub", subscriptionId);
            mark.Parameters.AddWithValue("mark", callsMark);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> SaveAsync(OutboundCursor cursor, long expectedSeq, IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken)
    {
        // One statement: the attempts are logged only when the cursor moved.
        await using var command = _data.CreateCommand("""
            WITH moved AS (
                UPDATE outbound_cursors SET delivered_seq = @seq, dead = @dead, failing_since = @failing, last_error = @error, ended = @ended, updated_at = @now
                WHERE subscription_id = @sub AND call_id = @call AND delivered_seq = @expected AND NOT dead
                RETURNING 1
            ), logged AS (
                INSERT INTO outbound_attempts (subscription_id, at, delivery_id, call_id, seq, event_type, attempt, status, error, duration_ms)
                SELECT @sub, a.at, a.delivery, @call, a.seq, a.type, a.attempt, a.status, a.error, a.duration
                FROM moved, unnest(@ats, @deliveries, @seqs, @types, @attempts, @statuses, @errors, @durations)
                    AS a(at, delivery, seq, type, attempt, status, error, duration)
            )
            SELECT count(*) FROM moved;
            """);
        command.Parameters.AddWithValue("sub", cursor.SubscriptionId);
        command.Parameters.AddWithValue("call", cursor.CallId);
        command.Parameters.AddWithValue("seq", cursor.DeliveredSeq);
        command.Parameters.AddWithValue("dead", cursor.DeadLettered);
        command.Parameters.Add(new NpgsqlParameter("failing", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)cursor.FailingSince?.UtcTicks ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)cursor.LastError ?? DBNull.Value });
        command.Parameters.AddWithValue("ended", cursor.Ended);
        command.Parameters.AddWithValue("now", cursor.UpdatedAt.UtcTicks);
        command.Parameters.AddWithValue("expected", expectedSeq);
        command.Parameters.AddWithValue("ats", attempts.Select(a => a.At.UtcTicks).ToArray());
        command.Parameters.AddWithValue("deliveries", attempts.Select(a => a.DeliveryId).ToArray());
        command.Parameters.AddWithValue("seqs", attempts.Select(a => a.Seq).ToArray());
        command.Parameters.AddWithValue("types", attempts.Select(a => a.EventType).ToArray());
        command.Parameters.AddWithValue("attempts", attempts.Select(a => a.Attempt).ToArray());
        command.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Integer) { Value = attempts.Select(a => a.Status).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("errors", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = attempts.Select(a => a.Error).ToArray() });
        command.Parameters.AddWithValue("durations", attempts.Select(a => a.DurationMs).ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    /// <inheritdoc />
    public async Task<int> ReplayAsync(string subscriptionId, IReadOnlyList<(string CallId, long Seq)> cursors, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int set;
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO outbound_cursors (subscription_id, call_id, delivered_seq, updated_at)
            SELECT @sub, c, s, @now FROM unnest(@calls, @seqs) AS t(c, s)
            ON CONFLICT (subscription_id, call_id) DO UPDATE SET delivered_seq = excluded.delivered_seq, dead = false, failing_since = NULL,
                last_error = NULL, ended = false, updated_at = excluded.updated_at;
            """, connection, tx))
        {
            upsert.Parameters.AddWithValue("sub", subscriptionId);
            upsert.Parameters.AddWithValue("calls", cursors.Select(c => c.CallId).ToArray());
            upsert.Parameters.AddWithValue("seqs", cursors.Select(c => c.Seq).ToArray());
            upsert.Parameters.AddWithValue("now", DateTimeOffset.UtcNow.UtcTicks);
            set = await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var bump = new NpgsqlCommand("UPDATE outbound_subscriptions SET revision = revision + 1 WHERE id = @sub;", connection, tx))
        {
            bump.Parameters.AddWithValue("sub", subscriptionId);
            await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return set;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(long Row, DeliveryAttempt Attempt)>> AttemptsAsync(string subscriptionId, string? callId, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("""
            SELECT row, subscription_id, at, delivery_id, call_id, seq, event_type, attempt, status, error, duration_ms FROM outbound_attempts
            WHERE subscription_id = @sub AND (@call::text IS NULL OR call_id = @call) AND row < @before
            ORDER BY row DESC LIMIT @limit;
            """);
        command.Parameters.AddWithValue("sub", subscriptionId);
        command.Parameters.Add(new NpgsqlParameter("call", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)callId ?? DBNull.Value });
        command.Parameters.AddWithValue("before", before ?? long.MaxValue);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await OutboundRows.ReadAttemptsAsync(reader, SqliteEventStore.FromTicks, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("DELETE FROM outbound_attempts WHERE at < @before;");
        command.Parameters.AddWithValue("before", before.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(NpgsqlCommand command, OutboundSubscription s)
    {
        command.Parameters.AddWithValue("id", s.Id);
        command.Parameters.AddWithValue("name", s.Name);
        command.Parameters.AddWithValue("url", s.Url);
        command.Parameters.AddWithValue("secret", s.Secret);
        command.Parameters.Add(new NpgsqlParameter("previous", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)s.PreviousSecret ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("until", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)s.PreviousUntil?.UtcTicks ?? DBNull.Value });
        command.Parameters.AddWithValue("types", JsonSerializer.Serialize(s.EventTypes));
        command.Parameters.Add(new NpgsqlParameter("call", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)s.CallId ?? DBNull.Value });
        command.Parameters.AddWithValue("paused", s.Paused);
    }
}
