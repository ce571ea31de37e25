using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Switchboard.Server.Identity;

/// <summary>
/// User accounts, kept in <see cref="IUserRecords"/> (SQLite, or PostgreSQL shared by every node).
/// Passwords are hashed with the framework's <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted,
/// versioned). Accounts are cached by id because every session request checks them; the
/// credential watch forgets an account whose stamp changed elsewhere.
/// </summary>
public sealed class UserStore(IUserRecords records, TimeProvider clock)
{
    private readonly PasswordHasher<User> _hasher = new();
    private readonly ConcurrentDictionary<string, User?> _byId = new(StringComparer.Ordinal);

    /// <summary>Raised after this process changed an account (its password, role, skills or status).</summary>
    public event Action<string>? Changed;

    /// <summary>Number of accounts.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken) => records.CountAsync(cancellationToken);

    /// <summary>Creates an account; throws <see cref="InvalidAccountFieldException"/> when a field is unacceptable or the name is taken.</summary>
    public async Task<User> CreateAsync(string username, string password, string role, IEnumerable<string>? skills, bool mustChangePassword, CancellationToken cancellationToken)
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
        if (!await records.InsertAsync(user, _hasher.HashPassword(user, password), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidAccountFieldException("username", $"The username '{username}' is taken; choose another.");
        }

        return user;
    }

    /// <summary>The account with this id, disabled or not; null when there is none.</summary>
    public async ValueTask<User?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_byId.TryGetValue(id, out var cached))
        {
            return cached;
        }

        var user = await records.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
        _byId[id] = user;
        return user;
    }

    /// <summary>
    /// The account with this id from the cache, read synchronously on a miss: for the few places
    /// that decide inside a synchronous step (routing a help request). Everything else uses <see cref="FindAsync"/>.
    /// </summary>
    public User? Find(string id) =>
        _byId.TryGetValue(id, out var cached) ? cached : FindAsync(id, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>The account with this username (case-insensitive).</summary>
    public Task<User?> FindByNameAsync(string username, CancellationToken cancellationToken) => records.FindByNameAsync(username, cancellationToken);

    /// <summary>Checks a password; the live account when it matches, otherwise null. Records the login.</summary>
    public async Task<User?> VerifyPasswordAsync(string username, string password, CancellationToken cancellationToken)
    {
        var hash = await records.LivePasswordHashAsync(username, cancellationToken).ConfigureAwait(false);
        var user = hash is null ? null : await FindByNameAsync(username, cancellationToken).ConfigureAwait(false);
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

        await records.RecordLoginAsync(user.Id, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await records.SetPasswordAsync(user.Id, _hasher.HashPassword(user, password), null, null, cancellationToken).ConfigureAwait(false);
        }

        Invalidate(user.Id, notify: false);
        return await FindAsync(user.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a password. <paramref name="mustChange"/> is true when an admin resets it.</summary>
    public async Task SetPasswordAsync(string id, string password, bool mustChange, CancellationToken cancellationToken)
    {
        await records.SetPasswordAsync(id, _hasher.HashPassword(Dummy, password), mustChange, NewId(), cancellationToken).ConfigureAwait(false);
        Invalidate(id, notify: true);
    }

    /// <summary>Changes role, skills or disabled status; a role or status change ends the user's sessions.</summary>
    public async Task<User?> UpdateAsync(string id, string? role, IEnumerable<string>? skills, bool? disabled, CancellationToken cancellationToken)
    {
        if (role is not null && !Roles.All.Contains(role))
        {
            throw new InvalidAccountFieldException("role", $"Unknown role '{role}'; use one of: {string.Join(", ", Roles.All)}.");
        }

        var user = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return null;
        }

        var endSessions = (role is not null && role != user.Role) || (disabled is not null && disabled != (user.DisabledAt is not null));
        await records.UpdateAsync(
            id,
            role ?? user.Role,
            skills is null ? user.Skills : NormaliseSkills(skills),
            endSessions ? NewId() : user.SecurityStamp,
            disabled,
            clock.GetUtcNow(),
            cancellationToken).ConfigureAwait(false);
        Invalidate(id, notify: true);
        return await FindAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every account, by username.</summary>
    public Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken) => records.ListAsync(cancellationToken);

    /// <summary>The security stamp of each of <paramref name="ids"/> that exists and is not disabled, read from the database.</summary>
    public Task<IReadOnlyDictionary<string, string>> ActiveStampsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        records.ActiveStampsAsync(ids, cancellationToken);

    /// <summary>Forgets the cached account, so the next request reads it again (it changed elsewhere).</summary>
    public void Forget(string id) => _byId.TryRemove(id, out _);

    private static readonly User Dummy = new("", "", Roles.Viewer, [], false, default, null, null);
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(Dummy, "not a password of anyone");

    private void Invalidate(string id, bool notify)
    {
        _byId.TryRemove(id, out _);
        if (notify)
        {
            Changed?.Invoke(id);
        }
    }

    private static string[] NormaliseSkills(IEnumerable<string>? skills) =>
        (skills ?? []).Select(s => (s ?? "").Trim().ToLowerInvariant()).Where(s => s.Length is > 0 and <= 64 && !s.Contains(','))
            .Distinct(StringComparer.Ordinal).ToArray();

    private static string NewId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
}
