using Microsoft.Data.Sqlite;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Escalations;

/// <summary>Help requests in SQLite: the durable record behind the live queue.</summary>
public sealed class HelpRequestStore(SqliteConnectionFactory connections)
{
    private const string Columns = """
        id, call_id, request_id, question, topic, context, status, requested_at, timeout_at, routed_to,
        claimed_by, claimed_at, answer, answered_by, closed_at, close_reason
        """;

    /// <summary>Stores a new request; false when the call already has one with this request id.</summary>
    public bool Insert(HelpRequest r)
    {
        const string sql = $"""
            INSERT OR IGNORE INTO help_requests ({Columns})
            VALUES ($id, $call, $request, $question, $topic, $context, $status, $requested, $timeout, $routed,
                    $claimedBy, $claimedAt, $answer, $answeredBy, $closedAt, $reason);
            """;
        return Execute(sql, r) == 1;
    }

    /// <summary>Saves the changing fields of a request.</summary>
    public void Update(HelpRequest r)
    {
        const string sql = """
            UPDATE help_requests SET status = $status, routed_to = $routed, claimed_by = $claimedBy, claimed_at = $claimedAt,
                answer = $answer, answered_by = $answeredBy, closed_at = $closedAt, close_reason = $reason
            WHERE id = $id;
            """;
        Execute(sql, r);
    }

    /// <summary>One request by id.</summary>
    public HelpRequest? Get(string id) => Query("WHERE id = $v", id, 1).FirstOrDefault();

    /// <summary>Requests, newest first; only pending ones when <paramref name="pendingOnly"/>.</summary>
    public IReadOnlyList<HelpRequest> List(bool pendingOnly, int limit) =>
        Query(pendingOnly ? "WHERE status IN ('open', 'claimed')" : "", null, limit);

    private List<HelpRequest> Query(string where, string? value, int limit)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM help_requests {where} ORDER BY requested_at DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
        if (value is not null)
        {
            command.Parameters.AddWithValue("$v", value);
        }

        using var reader = command.ExecuteReader();
        var list = new List<HelpRequest>();
        while (reader.Read())
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private int Execute(string sql, HelpRequest r)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var p = command.Parameters;
        p.AddWithValue("$id", r.Id);
        p.AddWithValue("$call", r.CallId);
        p.AddWithValue("$request", r.RequestId);
        p.AddWithValue("$question", r.Question);
        p.AddWithValue("$topic", (object?)r.Topic ?? DBNull.Value);
        p.AddWithValue("$context", (object?)r.Context ?? DBNull.Value);
        p.AddWithValue("$status", r.Status);
        p.AddWithValue("$requested", r.RequestedAt.UtcTicks);
        p.AddWithValue("$timeout", r.TimeoutAt.UtcTicks);
        p.AddWithValue("$routed", string.Join(',', r.RoutedTo));
        p.AddWithValue("$claimedBy", (object?)r.ClaimedBy ?? DBNull.Value);
        p.AddWithValue("$claimedAt", (object?)r.ClaimedAt?.UtcTicks ?? DBNull.Value);
        p.AddWithValue("$answer", (object?)r.Answer ?? DBNull.Value);
        p.AddWithValue("$answeredBy", (object?)r.AnsweredBy ?? DBNull.Value);
        p.AddWithValue("$closedAt", (object?)r.ClosedAt?.UtcTicks ?? DBNull.Value);
        p.AddWithValue("$reason", (object?)r.CloseReason ?? DBNull.Value);
        return command.ExecuteNonQuery();
    }

    private static HelpRequest Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        SqliteEventStore.FromTicks(r.GetInt64(7)),
        SqliteEventStore.FromTicks(r.GetInt64(8)),
        r.GetString(9).Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        ClaimedBy = r.IsDBNull(10) ? null : r.GetString(10),
        ClaimedAt = r.IsDBNull(11) ? null : SqliteEventStore.FromTicks(r.GetInt64(11)),
        Answer = r.IsDBNull(12) ? null : r.GetString(12),
        AnsweredBy = r.IsDBNull(13) ? null : r.GetString(13),
        ClosedAt = r.IsDBNull(14) ? null : SqliteEventStore.FromTicks(r.GetInt64(14)),
        CloseReason = r.IsDBNull(15) ? null : r.GetString(15),
    };
}
