using Microsoft.Data.Sqlite;
using Switchboard.Server.Knowledge;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Archive;

/// <summary>
/// Summaries in a SQLite file of their own beside the log (<c>archive.db</c>: <c>call_summaries</c>),
/// transcripts in a contentless FTS5 index (<c>call_transcripts_fts</c>, Porter stemming) keyed
/// through <c>call_transcripts_rows</c>. Its own file, so saving a summary never waits for the
/// log's writer nor makes it wait; <c>synchronous=NORMAL</c>, because what a crash loses of it the
/// archiver's catch-up folds again from the log.
/// </summary>
public sealed class SqliteCallArchive(SqliteConnectionFactory log) : ICallArchive
{
    /// <summary>The archive file's name in the data directory.</summary>
    public const string FileName = "archive.db";

    /// <summary>The archive's tables (the log's file held them until they moved here).</summary>
    internal const string Schema =
        """
        CREATE TABLE call_summaries (
            call_id        TEXT    NOT NULL PRIMARY KEY,
            last_seq       INTEGER NOT NULL,
            started_at     INTEGER NOT NULL,
            ended_at       INTEGER,
            agent_name     TEXT,
            personas       TEXT    NOT NULL,
            end_reason     TEXT,
            contained      INTEGER NOT NULL,
            sentiment_mean REAL,
            score          REAL,
            tags           TEXT    NOT NULL,
            summary        TEXT    NOT NULL,
            flagged        INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_call_summaries_started ON call_summaries (started_at, call_id);
        CREATE INDEX ix_call_summaries_agent ON call_summaries (agent_name, started_at);
        CREATE VIRTUAL TABLE call_transcripts_fts USING fts5(transcript, content = '', contentless_delete = 1, tokenize = 'porter unicode61');
        CREATE TABLE call_transcripts_rows (call_id TEXT NOT NULL PRIMARY KEY, fts_rowid INTEGER NOT NULL UNIQUE);
        CREATE TABLE call_rollups (
            span    TEXT    NOT NULL,
            hour    INTEGER NOT NULL,
            agent   TEXT    NOT NULL,
            persona TEXT    NOT NULL,
            figures TEXT    NOT NULL,
            PRIMARY KEY (span, hour, agent, persona)
        );
        """;

    private static readonly string[] Migrations = [Schema];

    private readonly SqliteConnectionFactory _connections = log.Sibling(FileName, "NORMAL", Migrations);

    private static readonly string Parameters = string.Join(", ", Enumerable.Range(0, 13).Select(i => "$p" + i));

    /// <inheritdoc />
    public async Task SaveAsync(CallSummary summary, string transcript, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        CallSummary? old = null;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT summary FROM call_summaries WHERE call_id = $call;";
            read.Parameters.AddWithValue("$call", summary.CallId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            old = (await ArchiveRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }

        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = tx;
            upsert.CommandText = $"""
                INSERT INTO call_summaries ({ArchiveRows.Columns}) VALUES ({Parameters})
                ON CONFLICT (call_id) DO UPDATE SET last_seq = excluded.last_seq, started_at = excluded.started_at, ended_at = excluded.ended_at,
                    agent_name = excluded.agent_name, personas = excluded.personas, end_reason = excluded.end_reason, contained = excluded.contained,
                    sentiment_mean = excluded.sentiment_mean, score = excluded.score, tags = excluded.tags, summary = excluded.summary,
                    flagged = excluded.flagged
                WHERE excluded.last_seq > call_summaries.last_seq;
                """;
            var values = ArchiveRows.Values(summary);
            for (var i = 0; i < values.Length; i++)
            {
                upsert.Parameters.AddWithValue("$p" + i, values[i]);
            }

            if (await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return;
            }
        }

        await using (var forget = connection.CreateCommand())
        {
            forget.Transaction = tx;
            forget.CommandText = """
                DELETE FROM call_transcripts_fts WHERE rowid = (SELECT fts_rowid FROM call_transcripts_rows WHERE call_id = $call);
                DELETE FROM call_transcripts_rows WHERE call_id = $call;
                """;
            forget.Parameters.AddWithValue("$call", summary.CallId);
            await forget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var index = connection.CreateCommand())
        {
            index.Transaction = tx;
            index.CommandText = """
                INSERT INTO call_transcripts_fts (rowid, transcript)
                VALUES (COALESCE((SELECT MAX(fts_rowid) + 1 FROM call_transcripts_rows WHERE fts_rowid BETWEEN $start AND $start + 100000), $start), $text);
                INSERT INTO call_transcripts_rows (call_id, fts_rowid) VALUES ($call, last_insert_rowid());
                """;
            // The index's row id is the call's start (in ticks, the next free one on a tie), so a
            // search walks the matches newest first and stops at the page's end.
            index.Parameters.AddWithValue("$start", summary.StartedAt.UtcTicks);
            index.Parameters.AddWithValue("$text", transcript);
            index.Parameters.AddWithValue("$call", summary.CallId);
            await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ArchiveRows.MoveAsync(old, summary, async (key, change) =>
        {
            await using var read = connection.CreateCommand();
            read.Transaction = tx;
            read.CommandText = "SELECT figures FROM call_rollups WHERE span = $span AND hour = $hour AND agent = $agent AND persona = $persona;";
            read.Parameters.AddWithValue("$span", key.Span);
            read.Parameters.AddWithValue("$hour", key.Start.UtcTicks);
            read.Parameters.AddWithValue("$agent", key.Agent);
            read.Parameters.AddWithValue("$persona", key.Persona);
            var figures = change(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? ArchiveRows.ReadRollup(json) : new CallRollup());
            await using var write = connection.CreateCommand();
            write.Transaction = tx;
            write.CommandText = figures.IsEmpty
                ? "DELETE FROM call_rollups WHERE span = $span AND hour = $hour AND agent = $agent AND persona = $persona;"
                : "INSERT INTO call_rollups (span, hour, agent, persona, figures) VALUES ($span, $hour, $agent, $persona, $figures) ON CONFLICT DO UPDATE SET figures = excluded.figures;";
            write.Parameters.AddWithValue("$span", key.Span);
            write.Parameters.AddWithValue("$hour", key.Start.UtcTicks);
            write.Parameters.AddWithValue("$agent", key.Agent);
            write.Parameters.AddWithValue("$persona", key.Persona);
            write.Parameters.AddWithValue("$figures", ArchiveRows.WriteRollup(figures));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RollupRow>> RollupsAsync(string span, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT hour, agent, persona, figures FROM call_rollups WHERE span = $span AND hour >= $from AND hour < $to ORDER BY hour, agent, persona;";
        command.Parameters.AddWithValue("$span", span);
        command.Parameters.AddWithValue("$from", from.UtcTicks);
        command.Parameters.AddWithValue("$to", to.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<RollupRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new RollupRow(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2), ArchiveRows.ReadRollup(reader.GetString(3))));
        }

        return rows;
    }

    /// <inheritdoc />
    public async Task<CallSummary?> GetAsync(string callId, CancellationToken cancellationToken) =>
        (await QueryAsync(new PastCallQuery(Limit: 1), "call_id = $id", [("id", callId)], cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> FoldedUpToAsync(IReadOnlyCollection<string> callIds, CancellationToken cancellationToken)
    {
        var folded = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = _connections.Open();
        foreach (var chunk in callIds.Chunk(500))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT call_id, last_seq FROM call_summaries WHERE call_id IN ({string.Join(", ", chunk.Select((_, i) => "$c" + i))});";
            for (var i = 0; i < chunk.Length; i++)
            {
                command.Parameters.AddWithValue("$c" + i, chunk[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                folded[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return folded;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CallSummary>> QueryAsync(PastCallQuery query, CancellationToken cancellationToken)
    {
        List<(string, object)> extra = [];
        if (query.Filters?.Q is { } text)
        {
            var words = QuestionSimilarity.Words(text).Take(32).ToList();
            if (words.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<CallSummary>>([]);
            }

            // Quoted words: nothing typed is read as FTS5 syntax.
            extra.Add(("match", string.Join(" OR ", words.Select(w => "\"" + w + "\""))));
            return SearchAsync(query, extra, cancellationToken);
        }

        return QueryAsync(query, null, extra, cancellationToken);
    }

    /// <summary>A text search: driven by the index in row-id (start) order, newest first, filtered as it goes.</summary>
    private async Task<IReadOnlyList<CallSummary>> SearchAsync(PastCallQuery query, List<(string Name, object Value)> extra, CancellationToken cancellationToken)
    {
        var (where, parameters) = ArchiveRows.Filter(query, '$');
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT summary FROM call_transcripts_fts f
            JOIN call_summaries ON call_summaries.call_id = (SELECT r.call_id FROM call_transcripts_rows r WHERE r.fts_rowid = f.rowid)
            WHERE call_transcripts_fts MATCH $match AND {where}
            ORDER BY f.rowid DESC LIMIT $limit;
            """;
        foreach (var (name, value) in parameters.Concat(extra))
        {
            command.Parameters.AddWithValue("$" + name, value);
        }

        command.Parameters.AddWithValue("$limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ArchiveRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<CallSummary>> QueryAsync(PastCallQuery query, string? clause, List<(string Name, object Value)> extra, CancellationToken cancellationToken)
    {
        var (where, parameters) = ArchiveRows.Filter(query, '$');
        await using var connection = _connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT summary FROM call_summaries WHERE {where}{(clause is null ? "" : " AND " + clause)} ORDER BY started_at DESC, call_id DESC LIMIT $limit;";
        foreach (var (name, value) in parameters.Concat(extra))
        {
            command.Parameters.AddWithValue("$" + name, value);
        }

        command.Parameters.AddWithValue("$limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ArchiveRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
