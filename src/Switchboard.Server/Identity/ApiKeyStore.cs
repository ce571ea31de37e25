using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Server.Identity;

/// <summary>
/// Creates, verifies and revokes API keys. Keys are 256 random bits; only their SHA-256 hash is
/// stored (a fast hash is right for high-entropy secrets), in <see cref="IApiKeyRecords"/>.
/// Verified keys are cached briefly; revoking clears the cache of this process at once, and the
/// credential watch clears it on every node when it sees a revocation made elsewhere.
/// </summary>
public sealed class ApiKeyStore(IApiKeyRecords records, TimeProvider clock)
{
    /// <summary>Prefix of every key, so leaked keys are recognisable.</summary>
    public const string KeyPrefix = "sbk_";

    private const int MaxCached = 10_000;
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (ApiKey Key, long Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>Raised after this process revoked a key.</summary>
    public event Action? Revoked;

    /// <summary>Creates a key and returns it with the secret, which is shown only this once.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, string scope, CancellationToken cancellationToken)
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
        await records.AddAsync(key, Hash(secret), cancellationToken).ConfigureAwait(false);
        return (key, secret);
    }

    /// <summary>Finds the live key for a presented secret, or null.</summary>
    public async ValueTask<ApiKey?> VerifyAsync(string secret, CancellationToken cancellationToken)
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

        var found = await records.FindLiveAsync(hash, cancellationToken).ConfigureAwait(false);

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
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) => records.ListAsync(cancellationToken);

    /// <summary>Revokes a key by id; false when no live key has that id.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var changed = await records.RevokeAsync(id, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        _cache.Clear();
        if (changed)
        {
            Revoked?.Invoke();
        }

        return changed;
    }

    /// <summary>
    /// A figure that changes whenever any key is revoked, by this process or another one (the
    /// <c>keys revoke</c> command beside a running server, another node): the number of revoked
    /// keys and the latest revocation time.
    /// </summary>
    public Task<(long Count, long Latest)> RevocationMarkAsync(CancellationToken cancellationToken) => records.RevocationMarkAsync(cancellationToken);

    /// <summary>Which of <paramref name="ids"/> are revoked (or gone).</summary>
    public async Task<IReadOnlySet<string>> RevokedAmongAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var live = await records.LiveAmongAsync(ids, cancellationToken).ConfigureAwait(false);
        return ids.Where(id => !live.Contains(id)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Forgets every verified key, so the next request with a key reads its state again.</summary>
    public void ForgetVerified() => _cache.Clear();

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
