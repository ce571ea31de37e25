using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using Switchboard.Server.Storage;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Identity;

/// <summary>API keys in the shared PostgreSQL database, so every node accepts and refuses the same keys.</summary>
public sealed class PostgresApiKeyRecords : IApiKeyRecords
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE api_keys (
            id         text   PRIMARY KEY,
            name       text   NOT NULL,
            scope      text   NOT NULL,
            hash       bytea  NOT NULL UNIQUE,
            prefix     text   NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint
        );
        """,
    ];

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the keys' table up to date on the shared database.</summary>
    public PostgresApiKeyRecords(PostgresDatabase database)
    {
        database.Migrate("api_keys", Migrations);
        _data = database.DataSource;
    }

    /// <inheritdoc />
    public async Task AddAsync(ApiKey key, byte[] hash, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("INSERT INTO api_keys (id, name, scope, hash, prefix, created_at) VALUES (@id, @name, @scope, @hash, @prefix, @created);");
        command.Parameters.AddWithValue("id", key.Id);
        command.Parameters.AddWithValue("name", key.Name);
        command.Parameters.AddWithValue("scope", key.Scope);
        command.Parameters.AddWithValue("hash", hash);
        command.Parameters.AddWithValue("prefix", key.Prefix);
        command.Parameters.AddWithValue("created", key.CreatedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ApiKey?> FindLiveAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT id, name, scope, prefix, created_at, revoked_at, hash FROM api_keys WHERE hash = @hash;");
        command.Parameters.AddWithValue("hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            && CryptographicOperations.FixedTimeEquals((byte[])reader[6], hash) && reader.IsDBNull(5) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT id, name, scope, prefix, created_at, revoked_at FROM api_keys ORDER BY created_at DESC;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(ApiKey Key, byte[] Hash)>> ExportAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT id, name, scope, prefix, created_at, revoked_at, hash FROM api_keys ORDER BY created_at;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<(ApiKey, byte[])>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add((Read(reader), (byte[])reader[6]));
        }

        return keys;
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL;");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", at.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<(long Count, long Latest)> RevocationMarkAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT COUNT(revoked_at), COALESCE(MAX(revoked_at), 0) FROM api_keys;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> LiveAmongAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT id FROM api_keys WHERE revoked_at IS NULL AND id = ANY(@ids);");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var live = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            live.Add(reader.GetString(0));
        }

        return live;
    }

    private static ApiKey Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        SqliteEventStore.FromTicks(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : SqliteEventStore.FromTicks(reader.GetInt64(5)));
}
