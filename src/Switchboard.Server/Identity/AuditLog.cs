using System.Text;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Identity;

/// <summary>
/// The audit trail of interventions, admin actions and refused requests. Interventions are also
/// events in the call's log; this table gathers everything in one place an admin can filter.
/// </summary>
public sealed partial class AuditLog(SqliteConnectionFactory connections, TimeProvider clock, ILogger<AuditLog> logger)
{
    /// <summary>Records an action. Never throws: an audit failure is logged, not turned into a failed request.</summary>
    public void Record(Actor actor, string action, string outcome, string? target = null, string? callId = null, object? detail = null)
    {
        const string sql = """
            INSERT INTO audit (at, actor, actor_kind, action, outcome, target, call_id, ip, detail)
            VALUES ($at, $actor, $kind, $action, $outcome, $target, $call, $ip, $detail);
            """;
        try
        {
            using var connection = connections.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$at", clock.GetUtcNow().UtcTicks);
            command.Parameters.AddWithValue("$actor", actor.Name);
            command.Parameters.AddWithValue("$kind", actor.Kind);
            command.Parameters.AddWithValue("$action", action);
            command.Parameters.AddWithValue("$outcome", outcome);
            command.Parameters.AddWithValue("$target", (object?)Truncate(target) ?? DBNull.Value);
            command.Parameters.AddWithValue("$call", (object?)callId ?? DBNull.Value);
            command.Parameters.AddWithValue("$ip", (object?)actor.Ip ?? DBNull.Value);
            command.Parameters.AddWithValue("$detail", detail is null ? DBNull.Value : JsonSerializer.Serialize(detail, ContractJson.Options));
            command.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            LogFailed(ex, action);
        }
    }

    /// <summary>
    /// Deletes the records older than <paramref name="before"/>, a few thousand per transaction so
    /// that other writers wait at most one short batch; returns how many were deleted.
    /// </summary>
    public long Purge(DateTimeOffset before)
    {
        const string sql = "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < $before ORDER BY id LIMIT 2000);";
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$before", before.UtcTicks);
        long deleted = 0;
        int batch;
        do
        {
            batch = command.ExecuteNonQuery();
            deleted += batch;
        }
        while (batch > 0);

        return deleted;
    }

    /// <summary>Entries matching the query, newest first.</summary>
    public IReadOnlyList<AuditEntry> Query(AuditQuery query)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        void Filter(string clause, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(clause);
                command.Parameters.AddWithValue(name, value);
            }
        }

        Filter("actor = $actor", "$actor", query.Actor);
        Filter("action LIKE $action", "$action", query.Action is null ? null : query.Action.Replace("*", "%", StringComparison.Ordinal));
        Filter("outcome = $outcome", "$outcome", query.Outcome);
        Filter("call_id = $call", "$call", query.CallId);
        Filter("at >= $from", "$from", query.From?.UtcTicks);
        Filter("at < $to", "$to", query.To?.UtcTicks);
        Filter("id < $before", "$before", query.Before);
        command.CommandText = $"SELECT id, at, actor, actor_kind, action, outcome, target, call_id, ip, detail FROM audit {where} ORDER BY id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit);
        using var reader = command.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                SqliteEventStore.FromTicks(reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : ParseDetail(reader.GetString(9))));
        }

        return entries;
    }

    private static JsonElement ParseDetail(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string? Truncate(string? value) => value is { Length: > 512 } ? value[..512] : value;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Could not write the audit record of {Action}")]
    private partial void LogFailed(Exception ex, string action);
}
