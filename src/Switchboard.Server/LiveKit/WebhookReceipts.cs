using Switchboard.Server.Storage;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// Webhook ids already applied (table <c>webhook_receipts</c>), so a redelivered webhook changes
/// nothing. LiveKit retries for well under a minute; receipts are kept a day.
/// </summary>
public sealed class WebhookReceipts(SqliteConnectionFactory connections, TimeProvider clock)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);
    private int _inserts;

    private const string SeenSql = "SELECT 1 FROM webhook_receipts WHERE event_id = $id;";

    private const string InsertSql = """
        INSERT OR IGNORE INTO webhook_receipts (event_id, event, room_sid, received_at)
        VALUES ($id, $event, $room, $at);
        """;

    private const string PruneSql = "DELETE FROM webhook_receipts WHERE received_at < $before;";

    /// <summary>True when a webhook with this id was applied before.</summary>
    public bool Seen(string id)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = SeenSql;
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Records an applied webhook; now and then drops receipts older than a day.</summary>
    public void Record(string id, string eventName, string? roomSid)
    {
        var now = clock.GetUtcNow();
        using var connection = connections.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = InsertSql;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$event", eventName);
            command.Parameters.AddWithValue("$room", (object?)roomSid ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", now.UtcTicks);
            command.ExecuteNonQuery();
        }

        if (Interlocked.Increment(ref _inserts) % 500 == 1)
        {
            using var prune = connection.CreateCommand();
            prune.CommandText = PruneSql;
            prune.Parameters.AddWithValue("$before", (now - Retention).UtcTicks);
            prune.ExecuteNonQuery();
        }
    }
}
