using System.Data.Common;
using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Archive;

/// <summary>
/// The summaries of ended calls with a full-text index of their transcripts: the node's SQLite
/// file (FTS5) or the shared PostgreSQL database (its full-text search), by Storage:Provider. A
/// summary is only a fold of the log: an older fold never replaces a newer one.
/// </summary>
public interface ICallArchive
{
    /// <summary>Stores the summary and the call's transcript text unless a summary folded from as many events or more is there.</summary>
    Task SaveAsync(CallSummary summary, string transcript, CancellationToken cancellationToken);

    /// <summary>One call's summary, or null.</summary>
    Task<CallSummary?> GetAsync(string callId, CancellationToken cancellationToken);

    /// <summary>The seq each of these calls' summaries was folded up to (calls without one are left out).</summary>
    Task<IReadOnlyDictionary<string, long>> FoldedUpToAsync(IReadOnlyCollection<string> callIds, CancellationToken cancellationToken);

    /// <summary>Summaries matching the query, newest start first.</summary>
    Task<IReadOnlyList<CallSummary>> QueryAsync(PastCallQuery query, CancellationToken cancellationToken);

    /// <summary>The rollups of one span (hour or day) starting from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
    Task<IReadOnlyList<RollupRow>> RollupsAsync(string span, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>The rollup of one hour or day, agent and persona.</summary>
public sealed record RollupRow(DateTimeOffset Start, string Agent, string Persona, CallRollup Figures);

/// <summary>A search of past calls.</summary>
/// <param name="Filters">What to match (none: every call).</param>
/// <param name="Before">Paging: calls that started before this one (its start and id).</param>
/// <param name="Limit">At most this many.</param>
public sealed record PastCallQuery(PastCallFilters? Filters = null, (DateTimeOffset StartedAt, string CallId)? Before = null, int Limit = 100);

/// <summary>What both stores share: the row's values, the filter and how a summary reads.</summary>
internal static class ArchiveRows
{
    /// <summary>The indexed columns after call_id, in order, for parameters p1 … p10 (p0 is the call id).</summary>
    internal const string Columns = "call_id, last_seq, started_at, ended_at, agent_name, personas, end_reason, contained, sentiment_mean, score, tags, summary, flagged";

    internal static object[] Values(CallSummary s) =>
    [
        s.CallId, s.LastSeq, s.StartedAt.UtcTicks, (object?)s.EndedAt?.UtcTicks ?? DBNull.Value, (object?)s.AgentName ?? DBNull.Value,
        Joined(s.Personas), (object?)s.EndReason ?? DBNull.Value, s.Contained ? 1 : 0, (object?)s.Sentiment?.Mean ?? DBNull.Value,
        (object?)s.Score ?? DBNull.Value, Joined(s.Tags), JsonSerializer.Serialize(s, ContractJson.Options), Flags(s),
    ];

    /// <summary>The bits of the <c>flagged</c> column: what analytics counts a call for, so its figures open the calls behind them.</summary>
    [Flags]
    internal enum CallFlags
    {
        Flagged = 1,
        Reviewed = 2,
        Escalated = 4,
        Transferred = 8,
        Intervened = 16,
        ToolErrors = 32,
        Completed = 64,
    }

    /// <summary>The <c>flagged</c> column's bits, counted as the rollups count them (CallRollup.Add).</summary>
    internal static int Flags(CallSummary s) =>
        (int)((s.Flagged ? CallFlags.Flagged : 0)
            | (s.Review is null ? 0 : CallFlags.Reviewed)
            | (s.Escalations.Count > 0 ? CallFlags.Escalated : 0)
            | (s.Transfers > 0 || s.EndReason == "transferred" ? CallFlags.Transferred : 0)
            | (s.Guidance + s.Takeovers > 0 ? CallFlags.Intervened : 0)
            | (s.ToolErrors > 0 ? CallFlags.ToolErrors : 0)
            | (s.EndReason is { } reason && CallRollup.CompletedReasons.Contains(reason) ? CallFlags.Completed : 0));

    /// <summary>A list as one text a LIKE can match an item in exactly: <c>|a|b|</c>.</summary>
    internal static string Joined(IReadOnlyList<string> items) => "|" + string.Join("|", items.Select(i => i.Replace("|", "/", StringComparison.Ordinal))) + "|";

    /// <summary>The WHERE clause (without the text search) and its parameters.</summary>
    internal static (string Where, List<(string Name, object Value)> Parameters) Filter(PastCallQuery query, char prefix)
    {
        var q = query.Filters ?? new PastCallFilters();
        var clauses = new List<string> { "1 = 1" };
        var parameters = new List<(string, object)>();
        void Add(string clause, string name, object? value)
        {
            if (value is not null)
            {
                clauses.Add(clause.Replace("@", prefix.ToString(), StringComparison.Ordinal));
                parameters.Add((name, value));
            }
        }

        Add("started_at >= @from", "from", q.From?.UtcTicks);
        Add("started_at < @to", "to", q.To?.UtcTicks);
        Add("agent_name = @agent", "agent", q.Agent);
        Add("personas LIKE @persona ESCAPE '\\'", "persona", q.Persona is null ? null : "%|" + Escape(q.Persona) + "|%");
        Add("end_reason = @reason", "reason", q.EndReason);
        Add("contained = @contained", "contained", q.Contained is null ? null : q.Contained.Value ? 1 : 0);
        Add("sentiment_mean < @sentiment", "sentiment", q.SentimentBelow);
        Add("score < @score", "score", q.ScoreBelow);
        void Flag(CallFlags flag, bool? wanted) => Add($"(flagged & {(int)flag}) = @f{(int)flag}", "f" + (int)flag, wanted is null ? null : wanted.Value ? (int)flag : 0);
        Flag(CallFlags.Flagged, q.Flagged);
        Flag(CallFlags.Escalated, q.Escalated);
        Flag(CallFlags.Transferred, q.Transferred);
        Flag(CallFlags.Intervened, q.Intervened);
        Flag(CallFlags.ToolErrors, q.ToolErrors);
        Flag(CallFlags.Completed, q.Completed);
        // Awaiting review: flagged and not reviewed.
        Add("(flagged & 3) = @review", "review", q.Review switch { "pending" => 1, "done" => 3, _ => null });
        Add("tags LIKE @tag ESCAPE '\\'", "tag", q.Tag is null ? null : "%|" + Escape(q.Tag) + "|%");
        if (query.Before is { } before)
        {
            clauses.Add("(started_at < @beforeAt OR (started_at = @beforeAt AND call_id < @beforeId))".Replace("@", prefix.ToString(), StringComparison.Ordinal));
            parameters.Add(("beforeAt", before.StartedAt.UtcTicks));
            parameters.Add(("beforeId", before.CallId));
        }

        return (string.Join(" AND ", clauses), parameters);
    }

    /// <summary>
    /// The rollups a change of summary moves: the old one's out, the new one's in (one row when both
    /// fall under the same key). <paramref name="change"/> locks and reads a rollup (creating it empty),
    /// and is given it back changed to store.
    /// </summary>
    internal static async Task MoveAsync(CallSummary? old, CallSummary summary, Func<RollupKey, Func<CallRollup, CallRollup>, Task> change)
    {
        foreach (var span in CallRollup.Spans)
        {
            var newKey = CallRollup.KeyOf(summary, span);
            if (old is not null && CallRollup.KeyOf(old, span) is var oldKey && oldKey != newKey)
            {
                await change(oldKey, r => Changed(r, old, -1)).ConfigureAwait(false);
            }

            await change(newKey, r =>
            {
                if (old is not null && CallRollup.KeyOf(old, span) == newKey)
                {
                    r.Add(old, -1);
                }

                return Changed(r, summary, 1);
            }).ConfigureAwait(false);
        }
    }

    internal static CallRollup ReadRollup(string json) => JsonSerializer.Deserialize<CallRollup>(json, ContractJson.Options)!;

    internal static string WriteRollup(CallRollup rollup) => JsonSerializer.Serialize(rollup, ContractJson.Options);

    private static CallRollup Changed(CallRollup rollup, CallSummary s, int sign)
    {
        rollup.Add(s, sign);
        return rollup;
    }

    internal static async Task<IReadOnlyList<CallSummary>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var list = new List<CallSummary>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(JsonSerializer.Deserialize<CallSummary>(reader.GetString(0), ContractJson.Options)!);
        }

        return list;
    }

    private static string Escape(string value) => value.Replace("|", "/", StringComparison.Ordinal)
        .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
