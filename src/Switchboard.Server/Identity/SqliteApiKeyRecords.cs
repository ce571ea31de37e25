using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Identity;

/// <summary>API keys in the node's SQLite file (table <c>api_keys</c> of <see cref="SqliteMigrations"/>).</summary>
public sealed class SqliteApiKeyRecords(SqliteConnectionFactory connections) : IApiKeyRecords
{
    /// <inheritdoc />
    public async Task AddAsync(ApiKey key, byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO api_keys (id, name, scope, hash, prefix, created_at) VALUES ($id, $name, $scope, $hash, $prefix, $created);";
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$name", key.Name);
        command.Parameters.AddWithValue("$scope", key.Scope);
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$prefix", key.Prefix);
        command.Parameters.AddWithValue("$created", key.CreatedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ApiKey?> FindLiveAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, scope, prefix, created_at, revoked_at, hash FROM api_keys WHERE hash = $hash;";
        command.Parameters.AddWithValue("$hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return reader.Read() && CryptographicOperations.FixedTimeEquals((byte[])reader[6], hash) && reader.IsDBNull(5) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, scope, prefix, created_at, revoked_at FROM api_keys ORDER BY created_at DESC;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<ApiKey>();
        while (reader.Read())
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(ApiKey Key, byte[] Hash)>> ExportAsync(CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, scope, prefix, created_at, revoked_at, hash FROM api_keys ORDER BY created_at;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<(ApiKey, byte[])>();
        while (reader.Read())
        {
            keys.Add((Read(reader), (byte[])reader[6]));
        }

        return keys;
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL;";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", at.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<(long Count, long Latest)> RevocationMarkAsync(CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(revoked_at), COALESCE(MAX(revoked_at), 0) FROM api_keys;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> LiveAmongAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM api_keys WHERE revoked_at IS NULL AND id IN (SELECT value FROM json_each($ids));";
        command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(ids));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var live = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            live.Add(reader.GetString(0));
        }

        return live;
    }

    private static ApiKey Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        SqliteEventStore.FromTicks(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : SqliteEventStore.FromTicks(reader.GetInt64(5)));
}
