using System.Data.Common;
using Switchboard.Server.Redaction;

namespace Switchboard.Server.Knowledge;

/// <summary>
/// The knowledge base: answered escalations arrive as pending entries (a near-duplicate of a
/// pending entry is merged into it at once); supervisors approve, edit, merge or reject them;
/// approved entries are searchable. The question of an escalation is the caller's matter, read by
/// every agent and supervisor of other calls once it is here: personal data in it is masked.
/// Entries are kept by <see cref="IKnowledgeRecords"/> (SQLite or the shared PostgreSQL).
/// </summary>
public sealed class KnowledgeBase(IKnowledgeRecords records, Redactor redaction, TimeProvider clock)
{
    private readonly SemaphoreSlim _adding = new(1, 1);

    /// <summary>Records an answered escalation as a pending entry, or merges it into a pending near-duplicate.</summary>
    public async Task<KbEntry> AddAnsweredAsync(string question, string answer, string? topic, string callId, string requestId, CancellationToken cancellationToken)
    {
        question = redaction.ForSharing(question);
        await _adding.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var candidates = await records.OpenAsync(topic, 2000, cancellationToken).ConfigureAwait(false);
            var best = candidates
                .Select(e => (Entry: e, Similarity: QuestionSimilarity.Similarity(e.Question, question)))
                .Where(x => x.Similarity >= QuestionSimilarity.DuplicateThreshold)
                .OrderByDescending(x => x.Entry.Status == KbStatus.Pending)
                .ThenByDescending(x => x.Similarity)
                .Select(x => x.Entry)
                .FirstOrDefault();
            var now = clock.GetUtcNow();
            // The same question again: count it and keep the newest answer for the reviewer (unless
            // a supervisor reviewed that entry meanwhile, perhaps on another node).
            if (best is { Status: KbStatus.Pending } && await records.RepeatAsync(best.Id, answer, now, cancellationToken).ConfigureAwait(false) is { } repeated)
            {
                return repeated;
            }

            return await records.InsertAsync(
                new KbEntry(0, question, answer, topic, KbStatus.Pending, callId, requestId, best?.Id, null, 1, now, now, null),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _adding.Release();
        }
    }

    /// <summary>Creates an entry written by a supervisor, approved at once.</summary>
    public Task<KbEntry> CreateAsync(string question, string answer, string? topic, string by, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return records.InsertAsync(new KbEntry(0, question, answer, topic, KbStatus.Approved, null, null, null, null, 1, now, now, by), cancellationToken);
    }

    /// <summary>One entry.</summary>
    public Task<KbEntry?> GetAsync(long id, CancellationToken cancellationToken) => records.GetAsync(id, cancellationToken);

    /// <summary>Entries in a status (or all), most recently changed first.</summary>
    public Task<IReadOnlyList<KbEntry>> ListAsync(string? status, int limit, CancellationToken cancellationToken) => records.ListAsync(status, limit, cancellationToken);

    /// <summary>Changes the text of an entry (re-indexed when approved).</summary>
    public Task<KbEntry?> EditAsync(long id, string? question, string? answer, string? topic, string by, CancellationToken cancellationToken) =>
        records.ChangeAsync(id, null, by, clock.GetUtcNow(), (entry, _) => entry with { Question = question ?? entry.Question, Answer = answer ?? entry.Answer, Topic = topic ?? entry.Topic }, cancellationToken);

    /// <summary>Approves a pending (or rejected) entry: it becomes searchable.</summary>
    public Task<KbEntry?> ApproveAsync(long id, string by, CancellationToken cancellationToken) =>
        records.ChangeAsync(id, null, by, clock.GetUtcNow(), (entry, _) => entry.Status is KbStatus.Merged
            ? throw new KbReviewConflictException("A merged entry cannot be approved; approve the entry it was merged into.")
            : entry with { Status = KbStatus.Approved }, cancellationToken);

    /// <summary>Rejects an entry: it is kept but never searched.</summary>
    public Task<KbEntry?> RejectAsync(long id, string by, CancellationToken cancellationToken) =>
        records.ChangeAsync(id, null, by, clock.GetUtcNow(), (entry, _) => entry with { Status = KbStatus.Rejected }, cancellationToken);

    /// <summary>Folds entry <paramref name="id"/> into <paramref name="into"/>: its occurrences count there; it leaves the index.</summary>
    public Task<KbEntry?> MergeAsync(long id, long into, string by, CancellationToken cancellationToken) =>
        records.ChangeAsync(id, into, by, clock.GetUtcNow(), (entry, target) =>
            target is null || target.Id == id || target.Status is KbStatus.Merged or KbStatus.Rejected
                ? throw new KbReviewConflictException("Merge into another entry that is pending or approved.")
                : entry with { Status = KbStatus.Merged, MergedInto = into }, cancellationToken);

    /// <summary>Approved entries matching the text, best first.</summary>
    public Task<IReadOnlyList<KbSearchHit>> SearchAsync(string text, string? topic, int limit, CancellationToken cancellationToken) =>
        records.SearchAsync([.. QuestionSimilarity.Words(text).Take(32)], topic, limit, cancellationToken);

    /// <summary>
    /// Approved answers worth offering for <paramref name="question"/>: the full-text search finds
    /// candidates, each is scored with <see cref="QuestionSimilarity.Match"/>, and only those at
    /// or above <paramref name="minimumMatch"/> are kept, best match first.
    /// </summary>
    public async Task<IReadOnlyList<QuickResponse>> SuggestAsync(string question, int limit, double minimumMatch, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        // The search's rank orders the hits of one search only; a few more candidates than needed
        // leave room for the match score to reorder them.
        return [.. (await SearchAsync(question, null, Math.Max(limit * 4, 12), cancellationToken).ConfigureAwait(false))
            .Select(hit => new QuickResponse(hit.Id, hit.Question, hit.Answer, hit.Topic, QuestionSimilarity.Match(question, hit.Question, hit.Answer)))
            .Where(r => r.Match >= minimumMatch)
            .OrderByDescending(r => r.Match)
            .Take(limit)];
    }

    /// <summary>The entry <paramref name="changed"/> was merged into by this change, if it was.</summary>
    internal static long? MergesInto(KbEntry before, KbEntry changed) =>
        changed.Status == KbStatus.Merged && before.Status != KbStatus.Merged ? changed.MergedInto : null;

    /// <summary>The columns both stores keep, in the order <see cref="ReadEntry"/> reads them.</summary>
    internal const string Columns = """
        id, question, answer, topic, status, source_call_id, source_request_id, duplicate_of, merged_into,
        occurrences, created_at, updated_at, reviewed_by
        """;

    /// <summary>The values of <see cref="Columns"/> in order, for parameters named p0 … p12.</summary>
    internal static object[] Values(KbEntry e) =>
    [
        e.Id, e.Question, e.Answer, (object?)e.Topic ?? DBNull.Value, e.Status, (object?)e.SourceCallId ?? DBNull.Value,
        (object?)e.SourceRequestId ?? DBNull.Value, (object?)e.DuplicateOf ?? DBNull.Value, (object?)e.MergedInto ?? DBNull.Value,
        e.Occurrences, e.CreatedAt.UtcTicks, e.UpdatedAt.UtcTicks, (object?)e.ReviewedBy ?? DBNull.Value,
    ];

    /// <summary>The insert of an entry with parameters named <paramref name="prefix"/>p0 … p12, with its id or a new one.</summary>
    internal static string InsertSql(char prefix, bool withId)
    {
        var columns = Columns.Split(',', StringSplitOptions.TrimEntries).Skip(withId ? 0 : 1);
        var values = Enumerable.Range(withId ? 0 : 1, 13 - (withId ? 0 : 1)).Select(i => prefix + "p" + i);
        return $"INSERT INTO kb_entries ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)}) RETURNING id;";
    }

    /// <summary>Reads an entry from the stores' common column order.</summary>
    internal static KbEntry ReadEntry(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
        r.IsDBNull(7) ? null : r.GetInt64(7), r.IsDBNull(8) ? null : r.GetInt64(8), r.GetInt32(9),
        new DateTimeOffset(r.GetInt64(10), TimeSpan.Zero), new DateTimeOffset(r.GetInt64(11), TimeSpan.Zero), r.IsDBNull(12) ? null : r.GetString(12));

    /// <summary>Reads search hits (id, question, answer, topic, score).</summary>
    internal static async Task<IReadOnlyList<KbSearchHit>> ReadHitsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var hits = new List<KbSearchHit>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hits.Add(new KbSearchHit(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), Math.Round(reader.GetDouble(4), 6)));
        }

        return hits;
    }
}
