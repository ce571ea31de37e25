using Npgsql;
using NpgsqlTypes;
using Switchboard.Server.Storage;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Identity;

/// <summary>Accounts in the shared PostgreSQL database, so a person signs in on any node.</summary>
public sealed class PostgresUserRecords : IUserRecords
{
    private const string Columns = "id, username, role, skills, must_change_password, created_at, disabled_at, last_login_at, security_stamp";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE users (
            id                   text    PRIMARY KEY,
            username             text    NOT NULL,
            password_hash        text    NOT NULL,
            role                 text    NOT NULL,
            skills               text    NOT NULL DEFAULT '',
            must_change_password boolean NOT NULL DEFAULT false,
            security_stamp       text    NOT NULL,
            created_at           bigint  NOT NULL,
            disabled_at          bigint,
            last_login_at        bigint
        );
        CREATE UNIQUE INDEX ux_users_username ON users (lower(username));
        """,
    ];

    private readonly NpgsqlDataSource _data;

    /// <summary>Brings the accounts' table up to date on the shared database.</summary>
    public PostgresUserRecords(PostgresDatabase database)
    {
        database.Migrate("users", Migrations);
        _data = database.DataSource;
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT COUNT(*) FROM users;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<bool> InsertAsync(User user, string passwordHash, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand(
            """
            INSERT INTO users (id, username, password_hash, role, skills, must_change_password, security_stamp, created_at)
            VALUES (@id, @username, @hash, @role, @skills, @must, @stamp, @created)
            ON CONFLICT DO NOTHING;
            """);
        command.Parameters.AddWithValue("id", user.Id);
        command.Parameters.AddWithValue("username", user.Username);
        command.Parameters.AddWithValue("hash", passwordHash);
        command.Parameters.AddWithValue("role", user.Role);
        command.Parameters.AddWithValue("skills", string.Join(',', user.Skills));
        command.Parameters.AddWithValue("must", user.MustChangePassword);
        command.Parameters.AddWithValue("stamp", user.SecurityStamp);
        command.Parameters.AddWithValue("created", user.CreatedAt.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public Task<User?> FindByIdAsync(string id, CancellationToken cancellationToken) => LoadAsync("id = @v", id, cancellationToken);

    /// <inheritdoc />
    public Task<User?> FindByNameAsync(string username, CancellationToken cancellationToken) => LoadAsync("lower(username) = lower(@v)", username, cancellationToken);

    /// <inheritdoc />
    public async Task<string?> LivePasswordHashAsync(string username, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT password_hash FROM users WHERE lower(username) = lower(@v) AND disabled_at IS NULL;");
        command.Parameters.AddWithValue("v", username);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc />
    public Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE users SET last_login_at = @now WHERE id = @id;", id, cancellationToken, ("now", at.UtcTicks));

    /// <inheritdoc />
    public Task SetPasswordAsync(string id, string passwordHash, bool? mustChange, string? stamp, CancellationToken cancellationToken) =>
        mustChange is null || stamp is null
            ? ExecuteAsync("UPDATE users SET password_hash = @hash WHERE id = @id;", id, cancellationToken, ("hash", passwordHash))
            : ExecuteAsync(
                "UPDATE users SET password_hash = @hash, must_change_password = @must, security_stamp = @stamp WHERE id = @id;",
                id,
                cancellationToken,
                ("hash", passwordHash),
                ("must", mustChange.Value),
                ("stamp", stamp));

    /// <inheritdoc />
    public Task UpdateAsync(string id, string role, IReadOnlyList<string> skills, string stamp, bool? disabled, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE users SET role = @role, skills = @skills, security_stamp = @stamp,
                disabled_at = CASE WHEN @disabled = 1 THEN COALESCE(disabled_at, @now) WHEN @disabled = 0 THEN NULL ELSE disabled_at END
            WHERE id = @id;
            """,
            id,
            cancellationToken,
            ("role", role),
            ("skills", string.Join(',', skills)),
            ("stamp", stamp),
            ("disabled", disabled switch { true => 1, false => 0, null => -1 }),
            ("now", now.UtcTicks));

    /// <inheritdoc />
    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand($"SELECT {Columns} FROM users ORDER BY lower(username);");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var users = new List<User>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add(Read(reader));
        }

        return users;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(User User, string PasswordHash)>> ExportAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand($"SELECT {Columns}, password_hash FROM users ORDER BY created_at;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var users = new List<(User, string)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add((Read(reader), reader.GetString(9)));
        }

        return users;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> ActiveStampsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT id, security_stamp FROM users WHERE disabled_at IS NULL AND id = ANY(@ids);");
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stamps = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stamps[reader.GetString(0)] = reader.GetString(1);
        }

        return stamps;
    }

    private async Task<User?> LoadAsync(string where, string value, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand($"SELECT {Columns} FROM users WHERE {where};");
        command.Parameters.AddWithValue("v", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private async Task ExecuteAsync(string sql, string id, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = _data.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static User Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries),
        r.GetBoolean(4),
        SqliteEventStore.FromTicks(r.GetInt64(5)),
        r.IsDBNull(6) ? null : SqliteEventStore.FromTicks(r.GetInt64(6)),
        r.IsDBNull(7) ? null : SqliteEventStore.FromTicks(r.GetInt64(7)))
    {
        SecurityStamp = r.GetString(8),
    };
}
