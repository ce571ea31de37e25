using Npgsql;
using NpgsqlTypes;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Calls;

/// <summary>
/// When each call's agent was last heard on any node. Heartbeats are not stored in the log, so
/// the node that holds an agent's socket is the only one that hears them: every node publishes
/// what it heard, and the lost-agent guard reads it before it ends a call that looks silent.
/// </summary>
public interface IAgentPresence
{
    /// <summary>Records that the agents of these calls were heard at these times (later times win).</summary>
    Task PublishAsync(IReadOnlyDictionary<string, DateTimeOffset> heard, CancellationToken cancellationToken);

    /// <summary>The latest time any node heard the agent of each of <paramref name="callIds"/> (calls never published are left out).</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> ReadAsync(IReadOnlyCollection<string> callIds, CancellationToken cancellationToken);

    /// <summary>Forgets what was heard before <paramref name="before"/>.</summary>
    Task ForgetAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>One node: it hears every agent itself, so there is nothing to share.</summary>
public sealed class LocalAgentPresence : IAgentPresence
{
    /// <inheritdoc />
    public Task PublishAsync(IReadOnlyDictionary<string, DateTimeOffset> heard, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, DateTimeOffset>> ReadAsync(IReadOnlyCollection<string> callIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset>>(new Dictionary<string, DateTimeOffset>());

    /// <inheritdoc />
    public Task ForgetAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Presence in the shared PostgreSQL database (table <c>agent_presence</c>).</summary>
public sealed class PostgresAgentPresence : IAgentPresence
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE agent_presence (
            call_id  text   PRIMARY KEY,
            heard_at bigint NOT NULL
        );
        """,
    ];

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the presence table up to date on the shared database.</summary>
    public PostgresAgentPresence(PostgresDatabase database)
    {
        database.Migrate("agent_presence", Migrations);
        _data = database.DataSource;
    }

    /// <inheritdoc />
    public async Task PublishAsync(IReadOnlyDictionary<string, DateTimeOffset> heard, CancellationToken cancellationToken)
    {
        if (heard.Count == 0)
        {
            return;
        }

        // Sorted, so that two nodes publishing the same calls take the rows' locks in one order.
        var sorted = heard.OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        await using var command = _data.CreateCommand(
            """
            INSERT INTO agent_presence (call_id, heard_at)
            SELECT * FROM unnest(@calls, @heard)
            ON CONFLICT (call_id) DO UPDATE SET heard_at = GREATEST(agent_presence.heard_at, excluded.heard_at);
            """);
        command.Parameters.Add(new NpgsqlParameter("calls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = sorted.Select(h => h.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("heard", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = sorted.Select(h => h.Value.UtcTicks).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> ReadAsync(IReadOnlyCollection<string> callIds, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT call_id, heard_at FROM agent_presence WHERE call_id = ANY(@calls);");
        command.Parameters.Add(new NpgsqlParameter("calls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = callIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var heard = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            heard[reader.GetString(0)] = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
        }

        return heard;
    }

    /// <inheritdoc />
    public async Task ForgetAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("DELETE FROM agent_presence WHERE heard_at < @before;");
        command.Parameters.AddWithValue("before", before.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
