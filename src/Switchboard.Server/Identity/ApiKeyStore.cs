using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Identity;

/// <summary>
/// Creates, verifies and revokes API keys. Keys are 256 random bits; only their SHA-256 hash is
/// stored (a fast hash is right for high-entropy secrets). Verified keys are cached briefly;
/// revoking clears the cache of this process at once.
/// </summary>
public sealed class ApiKeyStore(SqliteConnectionFactory connections, TimeProvider clock)
{
    /// <summary>Prefix of every key, so leaked keys are recognisable.</summary>
    public const string KeyPrefix = "sbk_";

    private const int MaxCached = 10_000;
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (ApiKey Key, long Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>Raised after this process revoked a key.</summary>
    public event Action? Revoked;

    /// <summary>Creates a key and returns it with the secret, which is shown only this once.</summary>
    public (ApiKey Key, string Secret) Create(string name, string scope)
    {
        if (!ApiKeyScopes.All.Contains(scope))
        {
            throw new InvalidAccountFieldException("scope", $"Unknown scope '{scope}'; use one of: {string.Join(", ", ApiKeyScopes.All)}.");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new InvalidAccountFieldException("name", "The key needs a name of 1 to 100 characters.");
        }

        var secret = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(Base64Url(RandomNumberGenerator.GetBytes(9)), name, scope, secret[..10], clock.GetUtcNow(), null);
        const string sql = """
            INSERT INTO api_keys (id, name, scope, hash, prefix, created_at) VALUES ($id, $name, $scope, $hash, $prefix, $created);
            """;
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$name", key.Name);
        command.Parameters.AddWithValue("$scope", key.Scope);
        command.Parameters.AddWithValue("$hash", Hash(secret));
        command.Parameters.AddWithValue("$prefix", key.Prefix);
        command.Parameters.AddWithValue("$created", key.CreatedAt.UtcTicks);
        command.ExecuteNonQuery();
        return (key, secret);
    }

    /// <summary>Finds the live key for a presented secret, or null.</summary>
    public ApiKey? Verify(string secret)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal) || secret.Length > 100)
        {
            return null;
        }

        var hash = Hash(secret);
        var cacheKey = Convert.ToHexString(hash);
        var now = clock.GetUtcNow().UtcTicks;
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.Until > now)
        {
            return cached.Key;
        }

        const string sql = "SELECT id, name, scope, prefix, created_at, revoked_at, hash FROM api_keys WHERE hash = $hash;";
        ApiKey? found = null;
        using (var connection = connections.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            command.Parameters.AddWithValue("$hash", hash);
            using var reader = command.ExecuteReader();
            if (reader.Read() && CryptographicOperations.FixedTimeEquals((byte[])reader[6], hash) && reader.IsDBNull(5))
            {
                found = Read(reader);
            }
        }

        // Only live keys are cached: caching misses would let anyone grow the cache with random keys.
        if (found is not null)
        {
            if (_cache.Count >= MaxCached)
            {
                _cache.Clear();
            }

            _cache[cacheKey] = (found, now + CacheFor.Ticks);
        }

        return found;
    }

    /// <summary>Lists every key, newest first.</summary>
    public IReadOnlyList<ApiKey> List()
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, scope, prefix, created_at, revoked_at FROM api_keys ORDER BY created_at DESC;";
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKey>();
        while (reader.Read())
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <summary>Revokes a key by id; false when no live key has that id.</summary>
    public bool Revoke(string id)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL;";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", clock.GetUtcNow().UtcTicks);
        var changed = command.ExecuteNonQuery() == 1;
        _cache.Clear();
        if (changed)
        {
            Revoked?.Invoke();
        }

        return changed;
    }

    /// <summary>
    /// A figure that changes whenever any key is revoked, by this process or another one (the
    /// <c>keys revoke</c> command beside a running server): the number of revoked keys and the
    /// latest revocation time.
    /// </summary>
    public (long Count, long Latest) RevocationMark()
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(revoked_at), COALESCE(MAX(revoked_at), 0) FROM api_keys;";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Which of <paramref name="ids"/> are revoked (or gone).</summary>
    public IReadOnlySet<string> RevokedAmong(IReadOnlyCollection<string> ids)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        using (var connection = connections.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id FROM api_keys WHERE revoked_at IS NULL AND id IN (SELECT value FROM json_each($ids));";
            command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(ids));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                live.Add(reader.GetString(0));
            }
        }

        return ids.Where(id => !live.Contains(id)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Forgets every verified key, so the next request with a key reads its state again.</summary>
    public void ForgetVerified() => _cache.Clear();

    private static ApiKey Read(Microsoft.Data.Sqlite.SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        SqliteEventStore.FromTicks(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : SqliteEventStore.FromTicks(reader.GetInt64(5)));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
