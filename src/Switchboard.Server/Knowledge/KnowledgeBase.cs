using Microsoft.Data.Sqlite;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Knowledge;

/// <summary>
/// The knowledge base: answered escalations arrive as pending entries (a near-duplicate of a
/// pending entry is merged into it at once); supervisors approve, edit, merge or reject them;
/// approved entries are searchable. The question of an escalation is the caller's matter, read by
/// every agent and supervisor of other calls once it is here: personal data in it is masked.
/// </summary>
public sealed class KnowledgeBase(SqliteConnectionFactory connections, Redactor redaction, TimeProvider clock)
{
    private const string Columns = """
        id, question, answer, topic, status, source_call_id, source_request_id, duplicate_of, merged_into,
        occurrences, created_at, updated_at, reviewed_by
        """;

    private readonly Lock _gate = new();

    /// <summary>Records an answered escalation as a pending entry, or merges it into a pending near-duplicate.</summary>
    public KbEntry AddAnswered(string question, string answer, string? topic, string callId, string requestId)
    {
        question = redaction.ForSharing(question);
        lock (_gate)
        {
            using var connection = connections.Open();
            var candidates = Query(connection, "WHERE status IN ('pending', 'approved') AND (topic IS $topic OR $topic IS NULL OR topic IS NULL)", topic, 2000);
            var best = candidates
                .Select(e => (Entry: e, Similarity: QuestionSimilarity.Similarity(e.Question, question)))
                .Where(x => x.Similarity >= QuestionSimilarity.DuplicateThreshold)
                .OrderByDescending(x => x.Entry.Status == KbStatus.Pending)
                .ThenByDescending(x => x.Similarity)
                .Select(x => x.Entry)
                .FirstOrDefault();
            var now = clock.GetUtcNow().UtcTicks;
            if (best is { Status: KbStatus.Pending })
            {
                // The same question again: count it and keep the newest answer for the reviewer.
                Execute(connection, null, "UPDATE kb_entries SET answer = $a, occurrences = occurrences + 1, updated_at = $now WHERE id = $id;", ("$a", answer), ("$now", now), ("$id", best.Id));
                return Get(best.Id)!;
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO kb_entries (question, answer, topic, status, source_call_id, source_request_id, duplicate_of, created_at, updated_at)
                VALUES ($q, $a, $t, 'pending', $call, $request, $dup, $now, $now) RETURNING id;
                """;
            insert.Parameters.AddWithValue("$q", question);
            insert.Parameters.AddWithValue("$a", answer);
            insert.Parameters.AddWithValue("$t", (object?)topic ?? DBNull.Value);
            insert.Parameters.AddWithValue("$call", callId);
            insert.Parameters.AddWithValue("$request", requestId);
            insert.Parameters.AddWithValue("$dup", (object?)best?.Id ?? DBNull.Value);
            insert.Parameters.AddWithValue("$now", now);
            return Get((long)insert.ExecuteScalar()!)!;
        }
    }

    /// <summary>Creates an entry written by a supervisor, approved at once.</summary>
    public KbEntry Create(string question, string answer, string? topic, string by)
    {
        lock (_gate)
        {
            using var connection = connections.Open();
            using var tx = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO kb_entries (question, answer, topic, status, created_at, updated_at, reviewed_by)
                VALUES ($q, $a, $t, 'approved', $now, $now, $by) RETURNING id;
                """;
            insert.Parameters.AddWithValue("$q", question);
            insert.Parameters.AddWithValue("$a", answer);
            insert.Parameters.AddWithValue("$t", (object?)topic ?? DBNull.Value);
            insert.Parameters.AddWithValue("$now", clock.GetUtcNow().UtcTicks);
            insert.Parameters.AddWithValue("$by", by);
            var id = (long)insert.ExecuteScalar()!;
            var entry = Query(connection, "WHERE id = $v", id, 1, tx)[0];
            KbIndex.Put(connection, tx, entry);
            tx.Commit();
            return entry;
        }
    }

    /// <summary>One entry.</summary>
    public KbEntry? Get(long id)
    {
        using var connection = connections.Open();
        return Query(connection, "WHERE id = $v", id, 1).FirstOrDefault();
    }

    /// <summary>Entries in a status (or all), most recently changed first.</summary>
    public IReadOnlyList<KbEntry> List(string? status, int limit)
    {
        using var connection = connections.Open();
        return Query(connection, status is null ? "" : "WHERE status = $v", status, limit);
    }

    /// <summary>Changes the text of an entry (re-indexed when approved).</summary>
    public KbEntry? Edit(long id, string? question, string? answer, string? topic, string by) => Change(id, by, (connection, tx, entry) =>
    {
        var changed = entry with { Question = question ?? entry.Question, Answer = answer ?? entry.Answer, Topic = topic ?? entry.Topic };
        Execute(connection, tx, "UPDATE kb_entries SET question = $q, answer = $a, topic = $t WHERE id = $id;", ("$q", changed.Question), ("$a", changed.Answer), ("$t", (object?)changed.Topic ?? DBNull.Value), ("$id", id));
        if (entry.Status == KbStatus.Approved)
        {
            KbIndex.Put(connection, tx, changed);
        }

        return null;
    });

    /// <summary>Approves a pending (or rejected) entry: it becomes searchable.</summary>
    public KbEntry? Approve(long id, string by) => Change(id, by, (connection, tx, entry) =>
    {
        if (entry.Status is KbStatus.Merged)
        {
            return "A merged entry cannot be approved; approve the entry it was merged into.";
        }

        Execute(connection, tx, "UPDATE kb_entries SET status = 'approved' WHERE id = $id;", ("$id", id));
        KbIndex.Put(connection, tx, entry);
        return null;
    });

    /// <summary>Rejects an entry: it is kept but never searched.</summary>
    public KbEntry? Reject(long id, string by) => Change(id, by, (connection, tx, entry) =>
    {
        Execute(connection, tx, "UPDATE kb_entries SET status = 'rejected' WHERE id = $id;", ("$id", id));
        KbIndex.Remove(connection, tx, id);
        return null;
    });

    /// <summary>Folds entry <paramref name="id"/> into <paramref name="into"/>: its occurrences count there; it leaves the index.</summary>
    public KbEntry? Merge(long id, long into, string by) => Change(id, by, (connection, tx, entry) =>
    {
        var target = Query(connection, "WHERE id = $v", into, 1, tx).FirstOrDefault();
        if (target is null || target.Id == id || target.Status is KbStatus.Merged or KbStatus.Rejected)
        {
            return "Merge into another entry that is pending or approved.";
        }

        Execute(connection, tx, "UPDATE kb_entries SET status = 'merged', merged_into = $into WHERE id = $id;", ("$into", into), ("$id", id));
        Execute(connection, tx, "UPDATE kb_entries SET occurrences = occurrences + $n, updated_at = $now WHERE id = $id;", ("$n", entry.Occurrences), ("$now", clock.GetUtcNow().UtcTicks), ("$id", into));
        KbIndex.Remove(connection, tx, id);
        return null;
    });

    /// <summary>Approved entries matching the text, best first.</summary>
    public IReadOnlyList<KbSearchHit> Search(string text, string? topic, int limit)
    {
        using var connection = connections.Open();
        return KbIndex.Search(connection, text, topic, limit);
    }

    /// <summary>
    /// Approved answers worth offering for <paramref name="question"/>: the full-text search finds
    /// candidates, each is scored with <see cref="QuestionSimilarity.Match"/>, and only those at
    /// or above <paramref name="minimumMatch"/> are kept, best match first.
    /// </summary>
    public IReadOnlyList<QuickResponse> Suggest(string question, int limit, double minimumMatch)
    {
        if (limit <= 0)
        {
            return [];
        }

        // BM25 ranks within one search only; a few more candidates than needed leave room for the
        // match score to reorder them.
        return [.. Search(question, null, Math.Max(limit * 4, 12))
            .Select(hit => new QuickResponse(hit.Id, hit.Question, hit.Answer, hit.Topic, QuestionSimilarity.Match(question, hit.Question, hit.Answer)))
            .Where(r => r.Match >= minimumMatch)
            .OrderByDescending(r => r.Match)
            .Take(limit)];
    }

    private KbEntry? Change(long id, string by, Func<SqliteConnection, SqliteTransaction, KbEntry, string?> change)
    {
        lock (_gate)
        {
            using var connection = connections.Open();
            using var tx = connection.BeginTransaction();
            var entry = Query(connection, "WHERE id = $v", id, 1, tx).FirstOrDefault();
            if (entry is null)
            {
                return null;
            }

            if (change(connection, tx, entry) is { } problem)
            {
                throw new KbReviewConflictException(problem);
            }

            Execute(connection, tx, "UPDATE kb_entries SET updated_at = $now, reviewed_by = $by WHERE id = $id;", ("$now", clock.GetUtcNow().UtcTicks), ("$by", by), ("$id", id));
            tx.Commit();
            return Get(id);
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static List<KbEntry> Query(SqliteConnection connection, string where, object? value, int limit, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT {Columns} FROM kb_entries {where} ORDER BY updated_at DESC, id DESC LIMIT $limit;";
        command.Parameters.AddWithValue(where.Contains("$v", StringComparison.Ordinal) ? "$v" : "$topic", value ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        using var r = command.ExecuteReader();
        var list = new List<KbEntry>();
        while (r.Read())
        {
            list.Add(new KbEntry(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : r.GetInt64(7), r.IsDBNull(8) ? null : r.GetInt64(8), r.GetInt32(9),
                SqliteEventStore.FromTicks(r.GetInt64(10)), SqliteEventStore.FromTicks(r.GetInt64(11)), r.IsDBNull(12) ? null : r.GetString(12)));
        }

        return list;
    }
}
