using Switchboard.Server.Storage;

namespace Switchboard.Server.Escalations;

/// <summary>Help requests in the node's SQLite file (table <c>help_requests</c>).</summary>
public sealed class SqliteHelpRequestRecords(SqliteConnectionFactory connections) : IHelpRequestRecords
{
    private static readonly string Parameters = string.Join(", ", Enumerable.Range(0, 16).Select(i => "$p" + i));

    /// <inheritdoc />
    public async Task<(HelpRequest Stored, bool Inserted)> InsertAsync(HelpRequest request, CancellationToken cancellationToken)
    {
        var inserted = await ExecuteAsync($"INSERT OR IGNORE INTO help_requests ({HelpRequestRows.Columns}) VALUES ({Parameters});", request, cancellationToken).ConfigureAwait(false) == 1;
        return (inserted ? request : (await GetAsync(request.Id, cancellationToken).ConfigureAwait(false))!, inserted);
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(HelpRequest request, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"""
            UPDATE help_requests SET status = $p6, routed_to = $p9, claimed_by = $p10, claimed_at = $p11,
                answer = $p12, answered_by = $p13, closed_at = $p14, close_reason = $p15
            WHERE id = $p0 AND {HelpRequestRows.Pending};
            """,
            request,
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async Task<HelpRequest?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = $v", id, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<HelpRequest>> ListAsync(bool pendingOnly, int limit, CancellationToken cancellationToken) =>
        QueryAsync(pendingOnly ? "WHERE " + HelpRequestRows.Pending : "", null, limit, cancellationToken);

    private async Task<IReadOnlyList<HelpRequest>> QueryAsync(string where, string? value, int limit, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {HelpRequestRows.Columns} FROM help_requests {where} ORDER BY requested_at DESC, id LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
        if (value is not null)
        {
            command.Parameters.AddWithValue("$v", value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await HelpRequestRows.ReadAllAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> ExecuteAsync(string sql, HelpRequest request, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = HelpRequestRows.Values(request);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$p" + i, values[i]);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
