using Npgsql;
using Switchboard.Server.Storage;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// Webhook ids already applied, so a redelivered webhook changes nothing — on whichever node it
/// lands, when nodes share PostgreSQL. LiveKit retries for well under a minute; receipts are kept
/// a day. (A webhook applied twice at once on two nodes still writes its events once: their ids
/// are derived from the receipt id.)
/// </summary>
public interface IWebhookReceipts
{
    /// <summary>True when a webhook with this id was applied before.</summary>
    Task<bool> SeenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records an applied webhook; now and then drops receipts older than a day.</summary>
    Task RecordAsync(string id, string eventName, string? roomSid, CancellationToken cancellationToken);
}

/// <summary>What both stores share: how long receipts are kept and how often old ones are dropped.</summary>
internal static class WebhookReceiptRules
{
    internal static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    /// <summary>One insert in this many also drops the expired receipts.</summary>
    internal const int PruneEvery = 500;
}

/// <summary>Receipts in the node's SQLite file (table <c>webhook_receipts</c>).</summary>
public sealed class SqliteWebhookReceipts(SqliteConnectionFactory connections, TimeProvider clock) : IWebhookReceipts
{
    private int _inserts;

    /// <inheritdoc />
    public async Task<bool> SeenAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM webhook_receipts WHERE event_id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public async Task RecordAsync(string id, string eventName, string? roomSid, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = connections.Open();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT OR IGNORE INTO webhook_receipts (event_id, event, room_sid, received_at) VALUES ($id, $event, $room, $at);";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$event", eventName);
            command.Parameters.AddWithValue("$room", (object?)roomSid ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", now.UtcTicks);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Interlocked.Increment(ref _inserts) % WebhookReceiptRules.PruneEvery == 1)
        {
            await using var prune = connection.CreateCommand();
            prune.CommandText = "DELETE FROM webhook_receipts WHERE received_at < $before;";
            prune.Parameters.AddWithValue("$before", (now - WebhookReceiptRules.Retention).UtcTicks);
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Receipts in the shared PostgreSQL database: a webhook applied on one node is a duplicate on every other.</summary>
public sealed class PostgresWebhookReceipts : IWebhookReceipts
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE webhook_receipts (
            event_id    text   PRIMARY KEY,
            event       text   NOT NULL,
            room_sid    text,
            received_at bigint NOT NULL
        );
        CREATE INDEX ix_webhook_receipts_at ON webhook_receipts (received_at);
        """,
    ];

    private readonly NpgsqlDataSource _data;
    private readonly TimeProvider _clock;
    private int _inserts;

    /// <summary>Brings the receipts' table up to date on the shared database.</summary>
    public PostgresWebhookReceipts(PostgresDatabase database, TimeProvider clock)
    {
        database.Migrate("webhook_receipts", Migrations);
        _data = database.DataSource;
        _clock = clock;
    }

    /// <inheritdoc />
    public async Task<bool> SeenAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT 1 FROM webhook_receipts WHERE event_id = @id;");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public async Task RecordAsync(string id, string eventName, string? roomSid, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using (var command = _data.CreateCommand("INSERT INTO webhook_receipts (event_id, event, room_sid, received_at) VALUES (@id, @event, @room, @at) ON CONFLICT DO NOTHING;"))
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("event", eventName);
            command.Parameters.Add(new NpgsqlParameter("room", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)roomSid ?? DBNull.Value });
            command.Parameters.AddWithValue("at", now.UtcTicks);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Interlocked.Increment(ref _inserts) % WebhookReceiptRules.PruneEvery == 1)
        {
            await using var prune = _data.CreateCommand("DELETE FROM webhook_receipts WHERE received_at < @before;");
            prune.Parameters.AddWithValue("before", (now - WebhookReceiptRules.Retention).UtcTicks);
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
