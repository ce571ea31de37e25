using Npgsql;
using NpgsqlTypes;
using Switchboard.Server.Knowledge;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Archive;

/// <summary>
/// Summaries in the shared PostgreSQL database (<c>call_summaries</c>, the summary as <c>jsonb</c>),
/// each with an English-stemmed <c>tsvector</c> of its transcript under a GIN index (the text
/// itself stays in the log).
/// </summary>
public sealed class PostgresCallArchive : ICallArchive
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE call_summaries (
            call_id        text    PRIMARY KEY,
            last_seq       bigint  NOT NULL,
            started_at     bigint  NOT NULL,
            ended_at       bigint,
            agent_name     text,
            personas       text    NOT NULL,
            end_reason     text,
            contained      integer NOT NULL,
            sentiment_mean double precision,
            score          double precision,
            tags           text    NOT NULL,
            summary        jsonb   NOT NULL,
            transcript     tsvector NOT NULL,
            flagged        integer NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_call_summaries_started ON call_summaries (started_at, call_id);
        CREATE INDEX ix_call_summaries_agent ON call_summaries (agent_name, started_at);
        CREATE INDEX ix_call_summaries_transcript ON call_summaries USING gin (transcript);
        CREATE TABLE call_rollups (
            span    text   NOT NULL,
            hour    bigint NOT NULL,
            agent   text   NOT NULL,
            persona text   NOT NULL,
            figures text   NOT NULL,
            PRIMARY KEY (span, hour, agent, persona)
        );
        """,
    ];

    private static readonly NpgsqlDbType[] Types =
    [
        NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Integer, NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Text, NpgsqlDbType.Jsonb, NpgsqlDbType.Integer,
    ];

    private static readonly string Parameters = string.Join(", ", Enumerable.Range(0, 13).Select(i => "@p" + i));

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the archive's table up to date on the shared database.</summary>
    public PostgresCallArchive(PostgresDatabase database)
    {
        database.Migrate("call_summaries", Migrations);
        _data = database.DataSource;
    }

    /// <inheritdoc />
    public async Task SaveAsync(CallSummary summary, string transcript, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // One save of a call at a time, so its rollups move once even when its row does not exist yet.
        await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('call_summary:' || @id, 0));", connection, tx))
        {
            gate.Parameters.AddWithValue("id", summary.CallId);
            await gate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        CallSummary? old;
        await using (var read = new NpgsqlCommand("SELECT summary::text FROM call_summaries WHERE call_id = @id;", connection, tx))
        {
            read.Parameters.AddWithValue("id", summary.CallId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            old = (await ArchiveRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }

        await using var command = new NpgsqlCommand { Connection = connection, Transaction = tx };
        command.CommandText = $"""
            INSERT INTO call_summaries ({ArchiveRows.Columns}, transcript) VALUES ({Parameters}, to_tsvector('english', @text))
            ON CONFLICT (call_id) DO UPDATE SET last_seq = excluded.last_seq, started_at = excluded.started_at, ended_at = excluded.ended_at,
                agent_name = excluded.agent_name, personas = excluded.personas, end_reason = excluded.end_reason, contained = excluded.contained,
                sentiment_mean = excluded.sentiment_mean, score = excluded.score, tags = excluded.tags, summary = excluded.summary,
                transcript = excluded.transcript, flagged = excluded.flagged
            WHERE excluded.last_seq > call_summaries.last_seq;
            """;
        var values = ArchiveRows.Values(summary);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter("p" + i, Types[i]) { Value = values[i] });
        }

        command.Parameters.AddWithValue("text", transcript);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return;
        }

        await ArchiveRows.MoveAsync(old, summary, async (key, change) =>
        {
            // Created empty first, so two calls of one hour never both create it; then locked.
            await using var create = new NpgsqlCommand("INSERT INTO call_rollups (span, hour, agent, persona, figures) VALUES (@span, @hour, @agent, @persona, '{}') ON CONFLICT DO NOTHING;", connection, tx);
            AddKey(create, key);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var read = new NpgsqlCommand("SELECT figures FROM call_rollups WHERE span = @span AND hour = @hour AND agent = @agent AND persona = @persona FOR UPDATE;", connection, tx);
            AddKey(read, key);
            var figures = change(ArchiveRows.ReadRollup((string)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!));
            await using var write = new NpgsqlCommand(
                figures.IsEmpty
                    ? "DELETE FROM call_rollups WHERE span = @span AND hour = @hour AND agent = @agent AND persona = @persona;"
                    : "UPDATE call_rollups SET figures = @figures WHERE span = @span AND hour = @hour AND agent = @agent AND persona = @persona;",
                connection,
                tx);
            AddKey(write, key);
            write.Parameters.AddWithValue("figures", ArchiveRows.WriteRollup(figures));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RollupRow>> RollupsAsync(string span, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT hour, agent, persona, figures FROM call_rollups WHERE span = @span AND hour >= @from AND hour < @to ORDER BY hour, agent, persona;");
        command.Parameters.AddWithValue("span", span);
        command.Parameters.AddWithValue("from", from.UtcTicks);
        command.Parameters.AddWithValue("to", to.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<RollupRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new RollupRow(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2), ArchiveRows.ReadRollup(reader.GetString(3))));
        }

        return rows;
    }

    private static void AddKey(NpgsqlCommand command, RollupKey key)
    {
        command.Parameters.AddWithValue("span", key.Span);
        command.Parameters.AddWithValue("hour", key.Start.UtcTicks);
        command.Parameters.AddWithValue("agent", key.Agent);
        command.Parameters.AddWithValue("persona", key.Persona);
    }

    /// <inheritdoc />
    public async Task<CallSummary?> GetAsync(string callId, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT summary::text FROM call_summaries WHERE call_id = @id;");
        command.Parameters.AddWithValue("id", callId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return (await ArchiveRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> FoldedUpToAsync(IReadOnlyCollection<string> callIds, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT call_id, last_seq FROM call_summaries WHERE call_id = ANY(@ids);");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = callIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var folded = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            folded[reader.GetString(0)] = reader.GetInt64(1);
        }

        return folded;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallSummary>> QueryAsync(PastCallQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = ArchiveRows.Filter(query, '@');
        if (query.Filters?.Q is { } text)
        {
            var words = QuestionSimilarity.Words(text).Take(32).ToList();
            if (words.Count == 0)
            {
                return [];
            }

            // Letters and digits only: none is read as tsquery syntax.
            where += " AND transcript @@ to_tsquery('english', @match)";
            parameters.Add(("match", string.Join(" | ", words)));
        }

        await using var command = _data.CreateCommand($"SELECT summary::text FROM call_summaries WHERE {where} ORDER BY started_at DESC, call_id DESC LIMIT @limit;");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.Parameters.AddWithValue("limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ArchiveRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
