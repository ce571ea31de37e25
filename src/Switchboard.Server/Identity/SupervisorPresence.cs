using Npgsql;
using NpgsqlTypes;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Identity;

/// <summary>One node's open supervisor streams of one user and one call (<see cref="CallId"/> empty for the wallboard and the help queue).</summary>
/// <param name="Node">The node that holds the streams.</param>
/// <param name="UserId">The user.</param>
/// <param name="CallId">The call, or empty.</param>
/// <param name="SeenAt">When that node last said so.</param>
public sealed record PresenceRow(string Node, string UserId, string CallId, DateTimeOffset SeenAt);

/// <summary>
/// Which supervisors have live streams open on which node, shared so that every node routes help
/// requests to supervisors online anywhere and a watch ends only when the supervisor's last stream
/// of the call closes on every node (or dies with its node). Each node replaces its own rows
/// whenever its streams change and at every presence interval; rows that are not renewed go stale.
/// </summary>
public interface ISupervisorPresence
{
    /// <summary>This node's name in the rows it writes.</summary>
    string Node { get; }

    /// <summary>Replaces this node's rows with <paramref name="streams"/> (user id, call id or empty), seen now.</summary>
    Task PublishAsync(IReadOnlyCollection<(string UserId, string CallId)> streams, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every node's rows.</summary>
    Task<IReadOnlyList<PresenceRow>> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the rows of <paramref name="rows"/> (stale ones, after they were dealt with) unless they were renewed since.</summary>
    Task ForgetAsync(IReadOnlyCollection<PresenceRow> rows, CancellationToken cancellationToken);
}

/// <summary>One node: its streams are all there is, nothing to share.</summary>
public sealed class LocalSupervisorPresence : ISupervisorPresence
{
    /// <inheritdoc />
    public string Node => "local";

    /// <inheritdoc />
    public Task PublishAsync(IReadOnlyCollection<(string UserId, string CallId)> streams, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyList<PresenceRow>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PresenceRow>>([]);

    /// <inheritdoc />
    public Task ForgetAsync(IReadOnlyCollection<PresenceRow> rows, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Presence in the shared PostgreSQL database (table <c>supervisor_presence</c>).</summary>
public sealed class PostgresSupervisorPresence : ISupervisorPresence
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE supervisor_presence (
            node    text   NOT NULL,
            user_id text   NOT NULL,
            call_id text   NOT NULL,
            seen_at bigint NOT NULL,
            PRIMARY KEY (node, user_id, call_id)
        );
        """,
    ];

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the presence table up to date on the shared database.</summary>
    public PostgresSupervisorPresence(PostgresDatabase database)
    {
        database.Migrate("supervisor_presence", Migrations);
        _data = database.DataSource;
        Node = database.NodeId;
    }

    /// <inheritdoc />
    public string Node { get; }

    /// <inheritdoc />
    public async Task PublishAsync(IReadOnlyCollection<(string UserId, string CallId)> streams, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = new NpgsqlCommand("DELETE FROM supervisor_presence WHERE node = @node;", connection, tx))
        {
            delete.Parameters.AddWithValue("node", Node);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (streams.Count > 0)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO supervisor_presence (node, user_id, call_id, seen_at) SELECT @node, u, c, @at FROM unnest(@users, @calls) AS s(u, c) ON CONFLICT DO NOTHING;", connection, tx);
            insert.Parameters.AddWithValue("node", Node);
            insert.Parameters.AddWithValue("at", at.UtcTicks);
            insert.Parameters.Add(new NpgsqlParameter("users", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = streams.Select(s => s.UserId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("calls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = streams.Select(s => s.CallId).ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PresenceRow>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT node, user_id, call_id, seen_at FROM supervisor_presence;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<PresenceRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new PresenceRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero)));
        }

        return rows;
    }

    /// <inheritdoc />
    public async Task ForgetAsync(IReadOnlyCollection<PresenceRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var command = _data.CreateCommand(
            """
            DELETE FROM supervisor_presence p USING unnest(@nodes, @users, @calls, @seen) AS s(n, u, c, t)
            WHERE p.node = s.n AND p.user_id = s.u AND p.call_id = s.c AND p.seen_at <= s.t;
            """);
        command.Parameters.Add(new NpgsqlParameter("nodes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Node).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("users", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.UserId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("calls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.CallId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("seen", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.SeenAt.UtcTicks).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
