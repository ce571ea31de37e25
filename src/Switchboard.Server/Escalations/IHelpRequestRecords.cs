using System.Data.Common;

namespace Switchboard.Server.Escalations;

/// <summary>
/// The durable record of help requests behind the live queue: the node's SQLite file, or the
/// shared PostgreSQL database so that every node shows every request and its outcome
/// (Storage:Provider). A closed request is never reopened by a later write.
/// </summary>
public interface IHelpRequestRecords
{
    /// <summary>Stores a new request unless one with its id is there; returns the stored one and whether it was new.</summary>
    Task<(HelpRequest Stored, bool Inserted)> InsertAsync(HelpRequest request, CancellationToken cancellationToken);

    /// <summary>Saves the changing fields of a request while the stored one is still pending; false when it was not.</summary>
    Task<bool> UpdateAsync(HelpRequest request, CancellationToken cancellationToken);

    /// <summary>One request by id.</summary>
    Task<HelpRequest?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Requests, newest first; only pending ones when <paramref name="pendingOnly"/>.</summary>
    Task<IReadOnlyList<HelpRequest>> ListAsync(bool pendingOnly, int limit, CancellationToken cancellationToken);
}

/// <summary>What both stores share: the columns and how a row reads.</summary>
internal static class HelpRequestRows
{
    internal const string Columns = """
        id, call_id, request_id, question, topic, context, status, requested_at, timeout_at, routed_to,
        claimed_by, claimed_at, answer, answered_by, closed_at, close_reason
        """;

    internal const string Pending = "status IN ('open', 'claimed')";

    /// <summary>The values of <see cref="Columns"/> in order, for parameters named p0 … p15.</summary>
    internal static object[] Values(HelpRequest r) =>
    [
        r.Id, r.CallId, r.RequestId, r.Question, (object?)r.Topic ?? DBNull.Value, (object?)r.Context ?? DBNull.Value, r.Status,
        r.RequestedAt.UtcTicks, r.TimeoutAt.UtcTicks, string.Join(',', r.RoutedTo), (object?)r.ClaimedBy ?? DBNull.Value,
        (object?)r.ClaimedAt?.UtcTicks ?? DBNull.Value, (object?)r.Answer ?? DBNull.Value, (object?)r.AnsweredBy ?? DBNull.Value,
        (object?)r.ClosedAt?.UtcTicks ?? DBNull.Value, (object?)r.CloseReason ?? DBNull.Value,
    ];

    internal static HelpRequest Read(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        Time(r.GetInt64(7)),
        Time(r.GetInt64(8)),
        r.GetString(9).Split(',', StringSplitOptions.RemoveEmptyEntries))
    {
        ClaimedBy = r.IsDBNull(10) ? null : r.GetString(10),
        ClaimedAt = r.IsDBNull(11) ? null : Time(r.GetInt64(11)),
        Answer = r.IsDBNull(12) ? null : r.GetString(12),
        AnsweredBy = r.IsDBNull(13) ? null : r.GetString(13),
        ClosedAt = r.IsDBNull(14) ? null : Time(r.GetInt64(14)),
        CloseReason = r.IsDBNull(15) ? null : r.GetString(15),
    };

    internal static async Task<IReadOnlyList<HelpRequest>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var list = new List<HelpRequest>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);
}
