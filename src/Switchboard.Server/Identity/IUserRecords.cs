namespace Switchboard.Server.Identity;

/// <summary>
/// Where user accounts are kept: one table, on SQLite or PostgreSQL (Storage:Provider).
/// <see cref="UserStore"/> holds the rules, the password hashing and the cache.
/// </summary>
public interface IUserRecords
{
    /// <summary>Number of accounts.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new account; false when its username (compared case-insensitively) is taken.</summary>
    Task<bool> InsertAsync(User user, string passwordHash, CancellationToken cancellationToken);

    /// <summary>The account with this id, disabled or not.</summary>
    Task<User?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>The account with this username, compared case-insensitively.</summary>
    Task<User?> FindByNameAsync(string username, CancellationToken cancellationToken);

    /// <summary>The password hash of a live (not disabled) account, or null.</summary>
    Task<string?> LivePasswordHashAsync(string username, CancellationToken cancellationToken);

    /// <summary>Records a login.</summary>
    Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Sets the password hash; with a stamp, also whether it must be changed and a new security stamp (ending sessions).</summary>
    Task SetPasswordAsync(string id, string passwordHash, bool? mustChange, string? stamp, CancellationToken cancellationToken);

    /// <summary>Sets role, skills and stamp; disables (true), enables (false) or leaves the status (null).</summary>
    Task UpdateAsync(string id, string role, IReadOnlyList<string> skills, string stamp, bool? disabled, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every account, by username.</summary>
    Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Every account with its password hash (for moving accounts to another store).</summary>
    Task<IReadOnlyList<(User User, string PasswordHash)>> ExportAsync(CancellationToken cancellationToken);

    /// <summary>The security stamp of each of <paramref name="ids"/> that exists and is not disabled.</summary>
    Task<IReadOnlyDictionary<string, string>> ActiveStampsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);
}
