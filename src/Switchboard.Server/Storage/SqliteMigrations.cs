using Microsoft.Data.Sqlite;

namespace Switchboard.Server.Storage;

/// <summary>
/// Schema migrations, applied in order at start-up inside one transaction each. A migration is
/// never edited once released: add a new one.
/// </summary>
public static class SqliteMigrations
{
    /// <summary>The migrations; index + 1 is the schema version.</summary>
    public static readonly string[] Steps =
    [
        """
        CREATE TABLE events (
            call_id     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            event_id    TEXT    NOT NULL,
            type        TEXT    NOT NULL,
            at          INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            data        TEXT    NOT NULL,
            PRIMARY KEY (call_id, seq)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX ux_events_event_id ON events (call_id, event_id);
        CREATE TABLE calls (
            call_id    TEXT    NOT NULL PRIMARY KEY,
            first_at   INTEGER NOT NULL,
            last_at    INTEGER NOT NULL,
            last_seq   INTEGER NOT NULL,
            ended_at   INTEGER,
            end_reason TEXT
        );
        CREATE INDEX ix_calls_ended_at ON calls (ended_at);
        CREATE INDEX ix_calls_first_at ON calls (first_at);
        CREATE TABLE api_keys (
            id         TEXT    NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            scope      TEXT    NOT NULL,
            hash       BLOB    NOT NULL UNIQUE,
            prefix     TEXT    NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        """,
        """
        CREATE TABLE webhook_receipts (
            event_id    TEXT    NOT NULL PRIMARY KEY,
            event       TEXT    NOT NULL,
            room_sid    TEXT,
            received_at INTEGER NOT NULL
        );
        CREATE INDEX ix_webhook_receipts_received_at ON webhook_receipts (received_at);
        """,
    ];

    /// <summary>Brings the database to the newest schema version.</summary>
    public static void Apply(SqliteConnection connection)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);";
            create.ExecuteNonQuery();
        }

        long current;
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
            current = (long)read.ExecuteScalar()!;
        }

        for (var version = (int)current + 1; version <= Steps.Length; version++)
        {
            using var tx = connection.BeginTransaction();
            using var step = connection.CreateCommand();
            step.Transaction = tx;
            step.CommandText = Steps[version - 1] + $"\nINSERT INTO schema_version (version) VALUES ({version});";
            step.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
