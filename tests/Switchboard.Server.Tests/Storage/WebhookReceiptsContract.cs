using Switchboard.Server.LiveKit;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>What the webhook receipts promise, on SQLite and on a real PostgreSQL.</summary>
public abstract class WebhookReceiptsContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected ManualClock Clock { get; } = new(StoreEvents.T0);

    /// <summary>Opens the receipts; a second call with the same name is another node on the same database.</summary>
    protected abstract IWebhookReceipts Open(string database = "main");

    [Fact]
    public async Task A_webhook_applied_on_one_node_is_a_duplicate_on_the_other_and_receipts_expire_after_a_day()
    {
        var a = Open("shared");
        Assert.False(await a.SeenAsync("WH_1", None));
        await a.RecordAsync("WH_1", "room_started", "RM_1", None);
        await a.RecordAsync("WH_1", "room_started", "RM_1", None);
        await a.RecordAsync("WH_2", "room_finished", null, None);

        var b = Open("shared");
        Assert.True(await b.SeenAsync("WH_1", None));
        Assert.True(await b.SeenAsync("WH_2", None));
        Assert.False(await b.SeenAsync("WH_3", None));

        Clock.Advance(TimeSpan.FromHours(25));
        await b.RecordAsync("WH_3", "participant_joined", "RM_1", None);
        Assert.False(await a.SeenAsync("WH_1", None));
        Assert.True(await a.SeenAsync("WH_3", None));
    }
}

public sealed class SqliteWebhookReceiptsContract : WebhookReceiptsContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    protected override IWebhookReceipts Open(string database = "main") => new SqliteWebhookReceipts(_sqlite.Open(database), Clock);
}

public sealed class PostgresWebhookReceiptsContract : WebhookReceiptsContract, IDisposable
{
    private readonly PostgresDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    protected override IWebhookReceipts Open(string database = "main") => new PostgresWebhookReceipts(_databases.Open(database), Clock);
}
