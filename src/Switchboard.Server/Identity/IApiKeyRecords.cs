namespace Switchboard.Server.Identity;

/// <summary>
/// Where API keys are kept: one table, on SQLite or PostgreSQL (Storage:Provider). Only the
/// SHA-256 hash of a secret is stored. <see cref="ApiKeyStore"/> holds the rules and the cache.
/// </summary>
public interface IApiKeyRecords
{
    /// <summary>Stores a new key with the hash of its secret.</summary>
    Task AddAsync(ApiKey key, byte[] hash, CancellationToken cancellationToken);

    /// <summary>The key whose secret hashes to <paramref name="hash"/> if it is live (the hash compared in constant time), or null.</summary>
    Task<ApiKey?> FindLiveAsync(byte[] hash, CancellationToken cancellationToken);

    /// <summary>Every key, newest first.</summary>
    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Marks a live key revoked; false when no live key has that id.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The number of revoked keys and the latest revocation time: changes whenever any process revokes one.</summary>
    Task<(long Count, long Latest)> RevocationMarkAsync(CancellationToken cancellationToken);

    /// <summary>Every key with the hash of its secret (for moving keys to another store).</summary>
    Task<IReadOnlyList<(ApiKey Key, byte[] Hash)>> ExportAsync(CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> are live.</summary>
    Task<IReadOnlySet<string>> LiveAmongAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);
}
