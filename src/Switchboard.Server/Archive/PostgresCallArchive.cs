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
            transcript     tsvector NOT NULL
        );
        CREATE INDEX ix_call_summaries_started ON call_summaries (started_at, call_id);
        CREATE INDEX ix_call_summaries_agent ON call_summaries (agent_name, started_at);
        CREATE INDEX ix_call_summaries_transcript ON call_summaries USING gin (transcript);
        """,
    ];

    private static readonly NpgsqlDbType[] Types =
    [
        NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Integer, NpgsqlDbType.Double, NpgsqlDbType.Double, NpgsqlDbType.Text, NpgsqlDbType.Jsonb,
    ];

    private static readonly string Parameters = string.Join(", ", Enumerable.Range(0, 12).Select(i => "@p" + i));

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
        await using var command = _data.CreateCommand($"""
            INSERT INTO call_summaries ({ArchiveRows.Columns}, transcript) VALUES ({Parameters}, to_tsvector('english', @text))
            ON CONFLICT (call_id) DO UPDATE SET last_seq = excluded.last_seq, started_at = excluded.started_at, ended_at = excluded.ended_at,
                agent_name = excluded.agent_name, personas = excluded.personas, end_reason = excluded.end_reason, contained = excluded.contained,
                sentiment_mean = excluded.sentiment_mean, score = excluded.score, tags = excluded.tags, summary = excluded.summary,
                transcript = excluded.transcript
            WHERE excluded.last_seq > call_summaries.last_seq;
            """);
        var values = ArchiveRows.Values(summary);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter("p" + i, Types[i]) { Value = values[i] });
        }

        command.Parameters.AddWithValue("text", transcript);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
