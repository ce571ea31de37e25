using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>What the accounts' table promises, on SQLite and on a real PostgreSQL.</summary>
public abstract class UserRecordsContract
{
    private readonly ManualClock _clock = new(StoreEvents.T0);

    /// <summary>Opens the accounts' table; a second call with the same name is another node on the same database.</summary>
    protected abstract IUserRecords Open(string database = "main");

    [Fact]
    public async Task A_created_account_signs_in_by_its_name_in_any_case_and_a_taken_name_is_refused()
    {
        var users = new UserStore(Open(), _clock);
        var ana = await users.CreateAsync("Ana", "a long passphrase", Roles.Supervisor, ["Billing", "billing", " refunds "], mustChangePassword: false, CancellationToken.None);

        Assert.Equal(["billing", "refunds"], ana.Skills);
        Assert.Equal(ana.Id, (await users.VerifyPasswordAsync("ana", "a long passphrase", CancellationToken.None))?.Id);
        Assert.Null(await users.VerifyPasswordAsync("ana", "a wrong passphrase", CancellationToken.None));
        Assert.Null(await users.VerifyPasswordAsync("nobody", "a long passphrase", CancellationToken.None));
        Assert.NotNull((await users.FindAsync(ana.Id, CancellationToken.None))!.LastLoginAt);
        var taken = await Assert.ThrowsAsync<InvalidAccountFieldException>(() => users.CreateAsync("ANA", "another passphrase", Roles.Viewer, null, false, CancellationToken.None));
        Assert.Contains("taken", taken.Message, StringComparison.Ordinal);
        Assert.Equal(1, await users.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_account_disabled_on_one_node_loses_its_stamp_and_its_sign_in_on_the_other()
    {
        var a = new UserStore(Open("shared"), _clock);
        var b = new UserStore(Open("shared"), _clock);
        var bo = await a.CreateAsync("bo", "a long passphrase", Roles.Viewer, null, mustChangePassword: true, CancellationToken.None);
        Assert.True((await b.FindByNameAsync("BO", CancellationToken.None))!.MustChangePassword);
        var stamp = (await b.ActiveStampsAsync([bo.Id], CancellationToken.None))[bo.Id];

        await a.SetPasswordAsync(bo.Id, "a new long passphrase", mustChange: false, CancellationToken.None);
        var afterPassword = await b.ActiveStampsAsync([bo.Id], CancellationToken.None);
        Assert.NotEqual(stamp, afterPassword[bo.Id]);
        Assert.NotNull(await b.VerifyPasswordAsync("bo", "a new long passphrase", CancellationToken.None));

        Assert.Equal(Roles.Supervisor, (await a.UpdateAsync(bo.Id, Roles.Supervisor, ["*"], disabled: true, CancellationToken.None))!.Role);
        Assert.Empty(await b.ActiveStampsAsync([bo.Id], CancellationToken.None));
        Assert.Null(await b.VerifyPasswordAsync("bo", "a new long passphrase", CancellationToken.None));
        b.Forget(bo.Id);
        Assert.NotNull((await b.FindAsync(bo.Id, CancellationToken.None))!.DisabledAt);
        Assert.Equal(["bo"], (await b.ListAsync(CancellationToken.None)).Select(u => u.Username));
    }
}

public sealed class SqliteUserRecordsContract : UserRecordsContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    protected override IUserRecords Open(string database = "main") =>
        new SqliteUserRecords(_sqlite.Open(database));
}

public sealed class PostgresUserRecordsContract : UserRecordsContract, IDisposable
{
    private readonly PostgresDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    protected override IUserRecords Open(string database = "main") => new PostgresUserRecords(_databases.Open(database));
}
