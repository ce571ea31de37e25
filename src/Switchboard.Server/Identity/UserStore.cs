using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Identity;

/// <summary>
/// User accounts in SQLite. Passwords are hashed with the framework's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2, salted, versioned). Accounts are cached by id because every session request checks them.
/// </summary>
public sealed class UserStore(SqliteConnectionFactory connections, TimeProvider clock)
{
    private const string Columns = "id, username, role, skills, must_change_password, created_at, disabled_at, last_login_at, security_stamp";
    private readonly PasswordHasher<User> _hasher = new();
    private readonly ConcurrentDictionary<string, User?> _byId = new(StringComparer.Ordinal);

    /// <summary>Number of accounts.</summary>
    public long Count()
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM users;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Creates an account; throws <see cref="InvalidAccountFieldException"/> when a field is unacceptable or the name is taken.</summary>
    public User Create(string username, string password, string role, IEnumerable<string>? skills = null, bool mustChangePassword = false)
    {
        if (string.IsNullOrWhiteSpace(username) || username.Length > 64 || username.Any(char.IsWhiteSpace))
        {
            throw new InvalidAccountFieldException("username", "The username must be 1 to 64 characters without spaces.");
        }

        if (!Roles.All.Contains(role))
        {
            throw new InvalidAccountFieldException("role", $"Unknown role '{role}'; use one of: {string.Join(", ", Roles.All)}.");
        }

        var user = new User(NewId(), username, role, NormaliseSkills(skills), mustChangePassword, clock.GetUtcNow(), null, null)
        {
            SecurityStamp = NewId(),
        };
        const string sql = """
            INSERT INTO users (id, username, password_hash, role, skills, must_change_password, security_stamp, created_at)
            VALUES ($id, $username, $hash, $role, $skills, $must, $stamp, $created);
            """;
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", user.Id);
        command.Parameters.AddWithValue("$username", user.Username);
        command.Parameters.AddWithValue("$hash", _hasher.HashPassword(user, password));
        command.Parameters.AddWithValue("$role", user.Role);
        command.Parameters.AddWithValue("$skills", string.Join(',', user.Skills));
        command.Parameters.AddWithValue("$must", mustChangePassword ? 1 : 0);
        command.Parameters.AddWithValue("$stamp", user.SecurityStamp);
        command.Parameters.AddWithValue("$created", user.CreatedAt.UtcTicks);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw new InvalidAccountFieldException("username", $"The username '{username}' is taken; choose another.", ex);
        }

        return user;
    }

    /// <summary>The account with this id, disabled or not; null when there is none.</summary>
    public User? Find(string id) => _byId.GetOrAdd(id, static (key, self) => self.Load("id = $v", key), this);

    /// <summary>The account with this username (case-insensitive).</summary>
    public User? FindByName(string username) => Load("username = $v", username);

    /// <summary>Checks a password; the live account when it matches, otherwise null. Records the login.</summary>
    public User? VerifyPassword(string username, string password)
    {
        string? hash = null;
        using (var connection = connections.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT password_hash FROM users WHERE username = $v AND disabled_at IS NULL;";
            command.Parameters.AddWithValue("$v", username);
            hash = command.ExecuteScalar() as string;
        }

        var user = hash is null ? null : FindByName(username);
        if (user is null || hash is null)
        {
            // Spend the same effort for unknown names, so timing does not reveal which names exist.
            _hasher.VerifyHashedPassword(Dummy, DummyHash, password);
            return null;
        }

        var result = _hasher.VerifyHashedPassword(user, hash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        Execute("UPDATE users SET last_login_at = $now WHERE id = $id;", user.Id, ("$now", clock.GetUtcNow().UtcTicks));
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            Execute("UPDATE users SET password_hash = $hash WHERE id = $id;", user.Id, ("$hash", _hasher.HashPassword(user, password)));
        }

        return Find(user.Id);
    }

    /// <summary>Sets a password. <paramref name="mustChange"/> is true when an admin resets it.</summary>
    public void SetPassword(string id, string password, bool mustChange) =>
        Execute(
            "UPDATE users SET password_hash = $hash, must_change_password = $must, security_stamp = $stamp WHERE id = $id;",
            id,
            ("$hash", _hasher.HashPassword(Dummy, password)),
            ("$must", mustChange ? 1 : 0),
            ("$stamp", NewId()));

    /// <summary>Changes role, skills or disabled status; a role or status change ends the user's sessions.</summary>
    public User? Update(string id, string? role, IEnumerable<string>? skills, bool? disabled)
    {
        if (role is not null && !Roles.All.Contains(role))
        {
            throw new InvalidAccountFieldException("role", $"Unknown role '{role}'; use one of: {string.Join(", ", Roles.All)}.");
        }

        var user = Find(id);
        if (user is null)
        {
            return null;
        }

        var endSessions = (role is not null && role != user.Role) || (disabled is not null && disabled != (user.DisabledAt is not null));
        Execute(
            """
            UPDATE users SET role = $role, skills = $skills, security_stamp = $stamp,
                disabled_at = CASE WHEN $disabled = 1 THEN COALESCE(disabled_at, $now) WHEN $disabled = 0 THEN NULL ELSE disabled_at END
            WHERE id = $id;
            """,
            id,
            ("$role", role ?? user.Role),
            ("$skills", string.Join(',', skills is null ? user.Skills : NormaliseSkills(skills))),
            ("$stamp", endSessions ? NewId() : user.SecurityStamp),
            ("$disabled", disabled switch { true => 1, false => 0, null => -1 }),
            ("$now", clock.GetUtcNow().UtcTicks));
        return Find(id);
    }

    /// <summary>Raised after this process changed an account (its password, role, skills or status).</summary>
    public event Action<string>? Changed;

    /// <summary>Every account, by username.</summary>
    public IReadOnlyList<User> List()
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM users ORDER BY username;";
        using var reader = command.ExecuteReader();
        var users = new List<User>();
        while (reader.Read())
        {
            users.Add(Read(reader));
        }

        return users;
    }

    /// <summary>The security stamp of each of <paramref name="ids"/> that exists and is not disabled, read from the database.</summary>
    public IReadOnlyDictionary<string, string> ActiveStamps(IReadOnlyCollection<string> ids)
    {
        var stamps = new Dictionary<string, string>(StringComparer.Ordinal);
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, security_stamp FROM users WHERE disabled_at IS NULL AND id IN (SELECT value FROM json_each($ids));";
        command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(ids));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            stamps[reader.GetString(0)] = reader.GetString(1);
        }

        return stamps;
    }

    /// <summary>Forgets the cached account, so the next request reads it again (it changed elsewhere).</summary>
    public void Forget(string id) => _byId.TryRemove(id, out _);

    private static readonly User Dummy = new("", "", Roles.Viewer, [], false, default, null, null);
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(Dummy, "not a password of anyone");

    private User? Load(string where, string value)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM users WHERE {where};";
        command.Parameters.AddWithValue("$v", value);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private void Execute(string sql, string id, params (string Name, object Value)[] parameters)
    {
        using (var connection = connections.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            command.Parameters.AddWithValue("$id", id);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            command.ExecuteNonQuery();
        }

        _byId.TryRemove(id, out _);
        Changed?.Invoke(id);
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

    private static string[] NormaliseSkills(IEnumerable<string>? skills) =>
        (skills ?? []).Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length is > 0 and <= 64 && !s.Contains(','))
            .Distinct(StringComparer.Ordinal).ToArray();

    private static string NewId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
}
