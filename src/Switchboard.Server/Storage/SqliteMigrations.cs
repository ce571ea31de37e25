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
        """
        CREATE TABLE users (
            id                   TEXT    NOT NULL PRIMARY KEY,
            username             TEXT    NOT NULL UNIQUE COLLATE NOCASE,
            password_hash        TEXT    NOT NULL,
            role                 TEXT    NOT NULL,
            skills               TEXT    NOT NULL DEFAULT '',
            must_change_password INTEGER NOT NULL DEFAULT 0,
            security_stamp       TEXT    NOT NULL,
            created_at           INTEGER NOT NULL,
            disabled_at          INTEGER,
            last_login_at        INTEGER
        );
        CREATE TABLE audit (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            at         INTEGER NOT NULL,
            actor      TEXT    NOT NULL,
            actor_kind TEXT    NOT NULL,
            action     TEXT    NOT NULL,
            outcome    TEXT    NOT NULL,
            target     TEXT,
            call_id    TEXT,
            ip         TEXT,
            detail     TEXT
        );
        CREATE INDEX ix_audit_at ON audit (at);
        CREATE INDEX ix_audit_actor ON audit (actor, at);
        CREATE INDEX ix_audit_action ON audit (action, at);
        CREATE TABLE help_requests (
            id           TEXT    NOT NULL PRIMARY KEY,
            call_id      TEXT    NOT NULL,
            request_id   TEXT    NOT NULL,
            question     TEXT    NOT NULL,
            topic        TEXT,
            context      TEXT,
            status       TEXT    NOT NULL,
            requested_at INTEGER NOT NULL,
            timeout_at   INTEGER NOT NULL,
            routed_to    TEXT    NOT NULL DEFAULT '',
            claimed_by   TEXT,
            claimed_at   INTEGER,
            answer       TEXT,
            answered_by  TEXT,
            closed_at    INTEGER,
            close_reason TEXT,
            UNIQUE (call_id, request_id)
        );
        CREATE INDEX ix_help_requests_status ON help_requests (status, requested_at);
        CREATE TABLE kb_entries (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            question          TEXT    NOT NULL,
            answer            TEXT    NOT NULL,
            topic             TEXT,
            status            TEXT    NOT NULL,
            source_call_id    TEXT,
            source_request_id TEXT,
            duplicate_of      INTEGER,
            merged_into       INTEGER,
            occurrences       INTEGER NOT NULL DEFAULT 1,
            created_at        INTEGER NOT NULL,
            updated_at        INTEGER NOT NULL,
            reviewed_by       TEXT
        );
        CREATE INDEX ix_kb_entries_status ON kb_entries (status, updated_at);
        CREATE VIRTUAL TABLE kb_fts USING fts5(question, answer, topic, tokenize = 'porter unicode61');
        """,
        """
        CREATE TABLE call_snapshots (
            call_id            TEXT    NOT NULL PRIMARY KEY,
            last_seq           INTEGER NOT NULL,
            projection_version INTEGER NOT NULL,
            state              TEXT    NOT NULL,
            saved_at           INTEGER NOT NULL
        );
        """,
        // The archive's tables as they were first created here (dropped by the next step).
        Archive.SqliteCallArchive.Schema,
        // The archive moved to a file of its own (archive.db, SqliteCallArchive): its writes no
        // longer wait for the log's writer nor make it wait. It is rebuilt there from the log.
        """
        DROP TABLE IF EXISTS call_transcripts_fts;
        DROP TABLE IF EXISTS call_transcripts_rows;
        DROP TABLE IF EXISTS call_rollups;
        DROP TABLE IF EXISTS call_summaries;
        """,
        """
        ALTER TABLE events ADD COLUMN traceparent TEXT;
        """,
    ];

    /// <summary>Brings the database to the newest schema version.</summary>
    public static void Apply(SqliteConnection connection) => Apply(connection, Steps);

    /// <summary>Brings a database to the newest version of these migrations (index + 1 is the version).</summary>
    public static void Apply(SqliteConnection connection, IReadOnlyList<string> steps)
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

        for (var version = (int)current + 1; version <= steps.Count; version++)
        {
            using var tx = connection.BeginTransaction();
            using var step = connection.CreateCommand();
            step.Transaction = tx;
            step.CommandText = steps[version - 1] + $"\nINSERT INTO schema_version (version) VALUES ({version});";
            step.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
