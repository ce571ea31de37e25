using Microsoft.Extensions.Options;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;
using Switchboard.Server.Storage.Postgres;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>What the API keys' table promises, on SQLite and on a real PostgreSQL.</summary>
public abstract class ApiKeyRecordsContract
{
    private readonly ManualClock _clock = new(StoreEvents.T0);

    /// <summary>Opens the keys' table; a second call with the same name is another node on the same database.</summary>
    protected abstract IApiKeyRecords Open(string database = "main");

    [Fact]
    public async Task A_created_key_verifies_until_it_is_revoked_and_a_wrong_secret_never_does()
    {
        var store = new ApiKeyStore(Open(), _clock);
        var (key, secret) = await store.CreateAsync("wallboard", ApiKeyScopes.Viewer, CancellationToken.None);

        Assert.Equal(key, await store.VerifyAsync(secret, CancellationToken.None));
        Assert.Null(await store.VerifyAsync(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), CancellationToken.None));
        Assert.Equal((0L, 0L), await store.RevocationMarkAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await store.RevokeAsync(key.Id, CancellationToken.None));
        Assert.False(await store.RevokeAsync(key.Id, CancellationToken.None));
        Assert.Null(await store.VerifyAsync(secret, CancellationToken.None));
        var listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal(StoreEvents.T0.AddMinutes(1), listed.RevokedAt);
        Assert.Equal((1L, StoreEvents.T0.AddMinutes(1).UtcTicks), await store.RevocationMarkAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_key_revoked_on_one_node_is_seen_revoked_by_the_other()
    {
        var a = new ApiKeyStore(Open("shared"), _clock);
        var b = new ApiKeyStore(Open("shared"), _clock);
        var (first, firstSecret) = await a.CreateAsync("agent one", ApiKeyScopes.Agent, CancellationToken.None);
        var (second, _) = await a.CreateAsync("agent two", ApiKeyScopes.Agent, CancellationToken.None);
        Assert.Equal(first, await b.VerifyAsync(firstSecret, CancellationToken.None));
        var markBefore = await b.RevocationMarkAsync(CancellationToken.None);

        Assert.True(await a.RevokeAsync(first.Id, CancellationToken.None));

        Assert.NotEqual(markBefore, await b.RevocationMarkAsync(CancellationToken.None));
        Assert.Equal(new[] { first.Id, "no-such-key" }.Order(StringComparer.Ordinal), (await b.RevokedAmongAsync([first.Id, second.Id, "no-such-key"], CancellationToken.None)).Order(StringComparer.Ordinal));
        b.ForgetVerified();
        Assert.Null(await b.VerifyAsync(firstSecret, CancellationToken.None));
    }

    [Fact]
    public async Task Names_and_scopes_are_checked_before_anything_is_stored()
    {
        var store = new ApiKeyStore(Open(), _clock);
        var scope = await Assert.ThrowsAsync<InvalidAccountFieldException>(() => store.CreateAsync("x", "root", CancellationToken.None));
        Assert.Contains("Unknown scope 'root'", scope.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidAccountFieldException>(() => store.CreateAsync(new string('n', 101), ApiKeyScopes.Agent, CancellationToken.None));
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }
}

public sealed class SqliteApiKeyRecordsContract : ApiKeyRecordsContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    protected override IApiKeyRecords Open(string database = "main") =>
        new SqliteApiKeyRecords(_sqlite.Open(database));
}

public sealed class PostgresApiKeyRecordsContract : ApiKeyRecordsContract, IDisposable
{
    private readonly PostgresDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    protected override IApiKeyRecords Open(string database = "main") => new PostgresApiKeyRecords(_databases.Open(database));
}

/// <summary>Databases of the shared private PostgreSQL server, by name; the same name opens another node's pool on the same database.</summary>
public sealed class PostgresDatabases : IDisposable
{
    private readonly Dictionary<string, string> _connectionStrings = [];
    private readonly List<PostgresDatabase> _open = [];

    /// <summary>Opens a pool on the database called <paramref name="name"/> in this test, creating it on first use.</summary>
    public PostgresDatabase Open(string name)
    {
        if (!_connectionStrings.TryGetValue(name, out var connectionString))
        {
            connectionString = PostgresServer.Shared.CreateDatabase();
            _connectionStrings[name] = connectionString;
        }

        var opened = new PostgresDatabase(Options.Create(new StorageOptions { Provider = "postgres", ConnectionString = connectionString }));
        _open.Add(opened);
        return opened;
    }

    public void Dispose()
    {
        foreach (var database in _open)
        {
            database.DataSource.Dispose();
        }
    }
}
