using System.Data.Common;
using Microsoft.Data.Sqlite;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Knowledge;

/// <summary>
/// Knowledge-base entries in the node's SQLite file: table <c>kb_entries</c> and the FTS5 index
/// <c>kb_fts</c> (Porter stemming, BM25 with the question weighted 3, the answer 1, the topic 0.5),
/// which holds exactly the approved entries.
/// </summary>
public sealed class SqliteKnowledgeRecords(SqliteConnectionFactory connections) : IKnowledgeRecords
{
    private const string Columns = KnowledgeBase.Columns;

    /// <inheritdoc />
    public Task<KbEntry?> GetAsync(long id, CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        return Task.FromResult(Query(connection, null, "WHERE id = $v", id, 1).FirstOrDefault());
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<KbEntry>> ListAsync(string? status, int limit, CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        return Task.FromResult<IReadOnlyList<KbEntry>>(Query(connection, null, status is null ? "" : "WHERE status = $v", status, limit));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<KbEntry>> OpenAsync(string? topic, int limit, CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        return Task.FromResult<IReadOnlyList<KbEntry>>(Query(connection, null, "WHERE status IN ('pending', 'approved') AND ($v IS NULL OR topic IS NULL OR topic = $v)", topic, limit));
    }

    /// <inheritdoc />
    public Task<KbEntry> InsertAsync(KbEntry entry, CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        using var tx = connection.BeginTransaction();
        var stored = entry with { Id = Insert(connection, tx, entry, withId: false) };
        Index(connection, tx, stored);
        tx.Commit();
        return Task.FromResult(stored);
    }

    /// <inheritdoc />
    public Task<bool> ImportAsync(KbEntry entry, CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        using var tx = connection.BeginTransaction();
        if (Query(connection, tx, "WHERE id = $v", entry.Id, 1).Count > 0)
        {
            return Task.FromResult(false);
        }

        Insert(connection, tx, entry, withId: true);
        Index(connection, tx, entry);
        tx.Commit();
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<KbEntry?> RepeatAsync(long id, string answer, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        var changed = Execute(connection, null, "UPDATE kb_entries SET answer = $a, occurrences = occurrences + 1, updated_at = $now WHERE id = $id AND status = 'pending';", ("$a", answer), ("$now", at.UtcTicks), ("$id", id));
        return Task.FromResult(changed == 0 ? null : Query(connection, null, "WHERE id = $v", id, 1).FirstOrDefault());
    }

    /// <inheritdoc />
    public Task<KbEntry?> ChangeAsync(long id, long? other, string by, DateTimeOffset at, Func<KbEntry, KbEntry?, KbEntry> change, CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        using var tx = connection.BeginTransaction(deferred: false);
        var entry = Query(connection, tx, "WHERE id = $v", id, 1).FirstOrDefault();
        if (entry is null)
        {
            return Task.FromResult<KbEntry?>(null);
        }

        var target = other is { } otherId ? Query(connection, tx, "WHERE id = $v", otherId, 1).FirstOrDefault() : null;
        var changed = change(entry, target) with { Id = id, UpdatedAt = at, ReviewedBy = by };
        Execute(
            connection,
            tx,
            "UPDATE kb_entries SET question = $q, answer = $a, topic = $t, status = $s, merged_into = $into, updated_at = $now, reviewed_by = $by WHERE id = $id;",
            ("$q", changed.Question), ("$a", changed.Answer), ("$t", (object?)changed.Topic ?? DBNull.Value), ("$s", changed.Status),
            ("$into", (object?)changed.MergedInto ?? DBNull.Value), ("$now", at.UtcTicks), ("$by", by), ("$id", id));
        if (KnowledgeBase.MergesInto(entry, changed) is { } into)
        {
            Execute(connection, tx, "UPDATE kb_entries SET occurrences = occurrences + $n, updated_at = $now WHERE id = $id;", ("$n", entry.Occurrences), ("$now", at.UtcTicks), ("$id", into));
        }

        Index(connection, tx, changed);
        tx.Commit();
        return Task.FromResult(Query(connection, null, "WHERE id = $v", id, 1).FirstOrDefault());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KbSearchHit>> SearchAsync(IReadOnlyCollection<string> words, string? topic, int limit, CancellationToken cancellationToken)
    {
        if (words.Count == 0)
        {
            return [];
        }

        // Every word is quoted, so nothing a caller types is read as FTS5 query syntax.
        var match = string.Join(" OR ", words.Select(w => "\"" + w.Replace("\"", "", StringComparison.Ordinal) + "\""));
        await using var connection = connections.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.id, e.question, e.answer, e.topic, -bm25(kb_fts, 3.0, 1.0, 0.5) AS score
            FROM kb_fts JOIN kb_entries e ON e.id = kb_fts.rowid
            WHERE kb_fts MATCH $match AND e.status = 'approved' AND ($topic IS NULL OR e.topic = $topic)
            ORDER BY bm25(kb_fts, 3.0, 1.0, 0.5), e.id LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$topic", (object?)topic ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await KnowledgeBase.ReadHitsAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<KbEntry>> ExportAsync(CancellationToken cancellationToken)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM kb_entries ORDER BY id;";
        using var reader = command.ExecuteReader();
        return Task.FromResult<IReadOnlyList<KbEntry>>(ReadEntries(reader));
    }

    /// <summary>Keeps the index holding exactly the approved entries.</summary>
    private static void Index(SqliteConnection connection, SqliteTransaction tx, KbEntry entry)
    {
        Execute(connection, tx, "DELETE FROM kb_fts WHERE rowid = $id;", ("$id", entry.Id));
        if (entry.Status == KbStatus.Approved)
        {
            Execute(connection, tx, "INSERT INTO kb_fts (rowid, question, answer, topic) VALUES ($id, $q, $a, $t);", ("$id", entry.Id), ("$q", entry.Question), ("$a", entry.Answer), ("$t", entry.Topic ?? ""));
        }
    }

    private static long Insert(SqliteConnection connection, SqliteTransaction tx, KbEntry e, bool withId)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = KnowledgeBase.InsertSql('$', withId);
        var values = KnowledgeBase.Values(e);
        for (var i = withId ? 0 : 1; i < values.Length; i++)
        {
            insert.Parameters.AddWithValue("$p" + i, values[i]);
        }

        return (long)insert.ExecuteScalar()!;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }

    private static List<KbEntry> Query(SqliteConnection connection, SqliteTransaction? tx, string where, object? value, int limit)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT {Columns} FROM kb_entries {where} ORDER BY updated_at DESC, id DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$v", value ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        return ReadEntries(reader);
    }

    private static List<KbEntry> ReadEntries(DbDataReader reader)
    {
        var list = new List<KbEntry>();
        while (reader.Read())
        {
            list.Add(KnowledgeBase.ReadEntry(reader));
        }

        return list;
    }
}
