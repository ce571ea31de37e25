using Microsoft.Data.Sqlite;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Identity;

/// <summary>Accounts in the node's SQLite file (table <c>users</c> of <see cref="SqliteMigrations"/>).</summary>
public sealed class SqliteUserRecords(SqliteConnectionFactory connections) : IUserRecords
{
    private const string Columns = "id, username, role, skills, must_change_password, created_at, disabled_at, last_login_at, security_stamp";

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM users;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<bool> InsertAsync(User user, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (id, username, password_hash, role, skills, must_change_password, security_stamp, created_at)
            VALUES ($id, $username, $hash, $role, $skills, $must, $stamp, $created);
            """;
        command.Parameters.AddWithValue("$id", user.Id);
        command.Parameters.AddWithValue("$username", user.Username);
        command.Parameters.AddWithValue("$hash", passwordHash);
        command.Parameters.AddWithValue("$role", user.Role);
        command.Parameters.AddWithValue("$skills", string.Join(',', user.Skills));
        command.Parameters.AddWithValue("$must", user.MustChangePassword ? 1 : 0);
        command.Parameters.AddWithValue("$stamp", user.SecurityStamp);
        command.Parameters.AddWithValue("$created", user.CreatedAt.UtcTicks);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task<User?> FindByIdAsync(string id, CancellationToken cancellationToken) => LoadAsync("id = $v", id, cancellationToken);

    /// <inheritdoc />
    public Task<User?> FindByNameAsync(string username, CancellationToken cancellationToken) => LoadAsync("username = $v", username, cancellationToken);

    /// <inheritdoc />
    public async Task<string?> LivePasswordHashAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password_hash FROM users WHERE username = $v AND disabled_at IS NULL;";
        command.Parameters.AddWithValue("$v", username);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc />
    public Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET last_login_at = $now WHERE id = $id;", id, cancellationToken, ("$now", at.UtcTicks));

    /// <inheritdoc />
    public Task SetPasswordAsync(string id, string passwordHash, bool? mustChange, string? stamp, CancellationToken cancellationToken) =>
        mustChange is null || stamp is null
            ? ExecuteAsync("UPDATE users SET password_hash = $hash WHERE id = $id;", id, cancellationToken, ("$hash", passwordHash))
            : ExecuteAsync(
                "UPDATE users SET password_hash = $hash, must_change_password = $must, security_stamp = $stamp WHERE id = $id;",
                id,
                cancellationToken,
                ("$hash", passwordHash),
                ("$must", mustChange.Value ? 1 : 0),
                ("$stamp", stamp));

    /// <inheritdoc />
    public Task UpdateAsync(string id, string role, IReadOnlyList<string> skills, string stamp, bool? disabled, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE users SET role = $role, skills = $skills, security_stamp = $stamp,
                disabled_at = CASE WHEN $disabled = 1 THEN COALESCE(disabled_at, $now) WHEN $disabled = 0 THEN NULL ELSE disabled_at END
            WHERE id = $id;
            """,
            id,
            cancellationToken,
            ("$role", role),
            ("$skills", string.Join(',', skills)),
            ("$stamp", stamp),
            ("$disabled", disabled switch { true => 1, false => 0, null => -1 }),
            ("$now", now.UtcTicks));

    /// <inheritdoc />
    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM users ORDER BY username;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var users = new List<User>();
        while (reader.Read())
        {
            users.Add(Read(reader));
        }

        return users;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(User User, string PasswordHash)>> ExportAsync(CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, password_hash FROM users ORDER BY created_at;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var users = new List<(User, string)>();
        while (reader.Read())
        {
            users.Add((Read(reader), reader.GetString(9)));
        }

        return users;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> ActiveStampsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var stamps = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, security_stamp FROM users WHERE disabled_at IS NULL AND id IN (SELECT value FROM json_each($ids));";
        command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(ids));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (reader.Read())
        {
            stamps[reader.GetString(0)] = reader.GetString(1);
        }

        return stamps;
    }

    private async Task<User?> LoadAsync(string where, string value, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM users WHERE {where};";
        command.Parameters.AddWithValue("$v", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return reader.Read() ? Read(reader) : null;
    }

    private async Task ExecuteAsync(string sql, string id, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static User Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries),
        r.GetInt64(4) == 1,
        SqliteEventStore.FromTicks(r.GetInt64(5)),
        r.IsDBNull(6) ? null : SqliteEventStore.FromTicks(r.GetInt64(6)),
        r.IsDBNull(7) ? null : SqliteEventStore.FromTicks(r.GetInt64(7)))
    {
        SecurityStamp = r.GetString(8),
    };
}
