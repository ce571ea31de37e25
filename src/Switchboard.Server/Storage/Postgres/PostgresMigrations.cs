using Npgsql;

namespace Switchboard.Server.Storage.Postgres;

/// <summary>
/// Schema steps on PostgreSQL, applied in order per component (the log, and each feature that
/// keeps its tables there) and recorded in <c>schema_versions</c>. Several nodes may start at
/// once: migrations run under a session advisory lock.
/// </summary>
internal static class PostgresMigrations
{
    private const long MigrationLock = 0x5357_4D49_4752;

    /// <summary>The event log's steps.</summary>
    public static readonly string[] Log =
    [
        """
        CREATE TABLE calls (
            call_id    text PRIMARY KEY,
            mark       bigint NOT NULL UNIQUE,
            first_at   bigint NOT NULL,
            last_at    bigint NOT NULL,
            last_seq   bigint NOT NULL,
            ended_at   bigint,
            end_reason text
        );
        CREATE SEQUENCE call_marks;
        CREATE INDEX ix_calls_ended_at ON calls (ended_at);
        CREATE INDEX ix_calls_first_at ON calls (first_at DESC, call_id DESC);
        CREATE TABLE events (
            call_id     text   NOT NULL,
            seq         bigint NOT NULL,
            event_id    text   NOT NULL,
            type        text   NOT NULL,
            at          bigint NOT NULL,
            received_at bigint NOT NULL,
            data        text   NOT NULL,
            PRIMARY KEY (call_id, seq)
        );
        CREATE UNIQUE INDEX ux_events_event_id ON events (call_id, event_id);
        CREATE TABLE log_notices (
            id      bigserial PRIMARY KEY,
            at      bigint NOT NULL,
            payload text   NOT NULL
        );
        """,
        """
        ALTER TABLE events ADD COLUMN traceparent text;
        """,
    ];

    /// <summary>Brings <paramref name="component"/> to the latest of its <paramref name="steps"/>; returns the version it found.</summary>
    public static int Apply(NpgsqlConnection connection, string component, IReadOnlyList<string> steps)
    {
        using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key);", connection))
        {
            command.Parameters.AddWithValue("key", MigrationLock);
            command.ExecuteNonQuery();
        }

        try
        {
            using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS schema_versions (component text PRIMARY KEY, version integer NOT NULL);", connection))
            {
                create.ExecuteNonQuery();
            }

            int found;
            using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_versions WHERE component = @c;", connection))
            {
                read.Parameters.AddWithValue("c", component);
                found = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }

            if (found > steps.Count)
            {
                throw new InvalidOperationException($"The database's {component} tables have schema version {found}, newer than this build's {steps.Count}: run the newer Switchboard against it.");
            }

            for (var version = found + 1; version <= steps.Count; version++)
            {
                using var tx = connection.BeginTransaction();
                using (var step = new NpgsqlCommand(steps[version - 1], connection, tx))
                {
                    step.ExecuteNonQuery();
                }

                using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_versions (component, version) VALUES (@c, @v) ON CONFLICT (component) DO UPDATE SET version = excluded.version;", connection, tx))
                {
                    record.Parameters.AddWithValue("c", component);
                    record.Parameters.AddWithValue("v", version);
                    record.ExecuteNonQuery();
                }

                tx.Commit();
            }

            return found;
        }
        finally
        {
            using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key);", connection);
            unlock.Parameters.AddWithValue("key", MigrationLock);
            unlock.ExecuteNonQuery();
        }
    }
}
