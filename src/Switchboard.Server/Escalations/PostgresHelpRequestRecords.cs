using Npgsql;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Escalations;

/// <summary>Help requests in the shared PostgreSQL database: every node lists every request and its outcome.</summary>
public sealed class PostgresHelpRequestRecords : IHelpRequestRecords
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE help_requests (
            id           text   PRIMARY KEY,
            call_id      text   NOT NULL,
            request_id   text   NOT NULL,
            question     text   NOT NULL,
            topic        text,
            context      text,
            status       text   NOT NULL,
            requested_at bigint NOT NULL,
            timeout_at   bigint NOT NULL,
            routed_to    text   NOT NULL DEFAULT '',
            claimed_by   text,
            claimed_at   bigint,
            answer       text,
            answered_by  text,
            closed_at    bigint,
            close_reason text,
            UNIQUE (call_id, request_id)
        );
        CREATE INDEX ix_help_requests_status ON help_requests (status, requested_at);
        CREATE INDEX ix_help_requests_requested ON help_requests (requested_at);
        """,
    ];

    private static readonly string Parameters = string.Join(", ", Enumerable.Range(0, 16).Select(i => "@p" + i));

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the help requests' table up to date on the shared database.</summary>
    public PostgresHelpRequestRecords(PostgresDatabase database)
    {
        database.Migrate("help_requests", Migrations);
        _data = database.DataSource;
    }

    /// <inheritdoc />
    public async Task<(HelpRequest Stored, bool Inserted)> InsertAsync(HelpRequest request, CancellationToken cancellationToken)
    {
        // Every node with supervisors stores the same request (its id is derived from the agent's):
        // the first insert stands and the others read it back.
        await using var command = Command($"INSERT INTO help_requests ({HelpRequestRows.Columns}) VALUES ({Parameters}) ON CONFLICT DO NOTHING;", request);
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        return (inserted ? request : (await GetAsync(request.Id, cancellationToken).ConfigureAwait(false)) ?? request, inserted);
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(HelpRequest request, CancellationToken cancellationToken)
    {
        await using var command = Command(
            $"""
            UPDATE help_requests SET status = @p6, routed_to = @p9, claimed_by = @p10, claimed_at = @p11,
                answer = @p12, answered_by = @p13, closed_at = @p14, close_reason = @p15
            WHERE id = @p0 AND {HelpRequestRows.Pending};
            """,
            request);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<HelpRequest?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = @v", id, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<HelpRequest>> ListAsync(bool pendingOnly, int limit, CancellationToken cancellationToken) =>
        QueryAsync(pendingOnly ? "WHERE " + HelpRequestRows.Pending : "", null, limit, cancellationToken);

    private NpgsqlCommand Command(string sql, HelpRequest request)
    {
        var command = _data.CreateCommand(sql);
        var values = HelpRequestRows.Values(request);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter("p" + i, values[i]) { NpgsqlDbType = i is 7 or 8 or 11 or 14 ? NpgsqlTypes.NpgsqlDbType.Bigint : NpgsqlTypes.NpgsqlDbType.Text });
        }

        return command;
    }

    private async Task<IReadOnlyList<HelpRequest>> QueryAsync(string where, string? value, int limit, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand($"SELECT {HelpRequestRows.Columns} FROM help_requests {where} ORDER BY requested_at DESC, id LIMIT @limit;");
        command.Parameters.AddWithValue("limit", limit);
        if (value is not null)
        {
            command.Parameters.AddWithValue("v", value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await HelpRequestRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
