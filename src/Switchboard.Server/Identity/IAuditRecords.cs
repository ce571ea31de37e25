using System.Data.Common;
using System.Text;
using System.Text.Json;

namespace Switchboard.Server.Identity;

/// <summary>
/// Where the audit trail is kept: the node's SQLite file, or the shared PostgreSQL database so
/// that an admin on any node sees what was done on every node (Storage:Provider).
/// </summary>
public interface IAuditRecords
{
    /// <summary>Stores a record (its <see cref="AuditEntry.Id"/> is ignored: the store numbers records in the order they arrive).</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Records matching the query, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes the records older than <paramref name="before"/>, a few thousand per statement; returns how many went.</summary>
    Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Stores a record moved from another store unless the same record (time, actor, action, outcome, target, call) is there; false when it was.</summary>
    Task<bool> ImportAsync(AuditEntry entry, CancellationToken cancellationToken);
}

/// <summary>What both stores share: the columns, the filter and how a row reads.</summary>
internal static class AuditRows
{
    internal const string Columns = "at, actor, actor_kind, action, outcome, target, call_id, ip, detail";

    internal const string Same = "at = {0}p0 AND actor = {0}p1 AND action = {0}p3 AND outcome = {0}p4 AND target IS NOT DISTINCT FROM {0}p5 AND call_id IS NOT DISTINCT FROM {0}p6";

    /// <summary>The values of <see cref="Columns"/> in order, for parameters named p0 … p8.</summary>
    internal static object[] Values(AuditEntry e) =>
    [
        e.At.UtcTicks, e.Actor, e.ActorKind, e.Action, e.Outcome, (object?)e.Target ?? DBNull.Value, (object?)e.CallId ?? DBNull.Value,
        (object?)e.Ip ?? DBNull.Value, e.Detail is { } d ? d.GetRawText() : DBNull.Value,
    ];

    /// <summary>The WHERE clause of a query with its parameters; <paramref name="like"/> is the store's case-insensitive LIKE.</summary>
    internal static (string Where, List<(string Name, object Value)> Parameters) Filter(AuditQuery query, char prefix, string like)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        var parameters = new List<(string, object)>();
        void Add(string column, string op, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(column).Append(' ').Append(op).Append(' ').Append(prefix).Append(name);
                parameters.Add((name, value));
            }
        }

        Add("actor", "=", "actor", query.Actor);
        Add("action", like, "action", query.Action?.Replace("*", "%", StringComparison.Ordinal));
        Add("outcome", "=", "outcome", query.Outcome);
        Add("call_id", "=", "call", query.CallId);
        Add("at", ">=", "from", query.From?.UtcTicks);
        Add("at", "<", "to", query.To?.UtcTicks);
        Add("id", "<", "before", query.Before);
        return (where.ToString(), parameters);
    }

    /// <summary>Runs a delete of a few thousand rows again until it deletes none; returns how many went.</summary>
    internal static async Task<long> DeleteInBatchesAsync(DbCommand delete, CancellationToken cancellationToken)
    {
        long deleted = 0;
        int batch;
        do
        {
            batch = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            deleted += batch;
        }
        while (batch > 0);

        return deleted;
    }

    internal static async Task<IReadOnlyList<AuditEntry>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
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
}
