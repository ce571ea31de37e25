using Microsoft.Data.Sqlite;

namespace Switchboard.Server.Knowledge;

/// <summary>
/// The full-text index of approved entries (SQLite FTS5, Porter stemming, BM25 ranking with the
/// question weighted above the answer). Only approved entries are in it.
/// </summary>
public static class KbIndex
{
    /// <summary>Adds or replaces an entry in the index.</summary>
    public static void Put(SqliteConnection connection, SqliteTransaction tx, KbEntry entry)
    {
        Remove(connection, tx, entry.Id);
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO kb_fts (rowid, question, answer, topic) VALUES ($id, $q, $a, $t);";
        command.Parameters.AddWithValue("$id", entry.Id);
        command.Parameters.AddWithValue("$q", entry.Question);
        command.Parameters.AddWithValue("$a", entry.Answer);
        command.Parameters.AddWithValue("$t", entry.Topic ?? "");
        command.ExecuteNonQuery();
    }

    /// <summary>Removes an entry from the index.</summary>
    public static void Remove(SqliteConnection connection, SqliteTransaction tx, long id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "DELETE FROM kb_fts WHERE rowid = $id;";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    /// <summary>Approved entries matching any content word of <paramref name="text"/>, best first.</summary>
    public static IReadOnlyList<KbSearchHit> Search(SqliteConnection connection, string text, string? topic, int limit)
    {
        var words = QuestionSimilarity.Words(text);
        if (words.Count == 0)
        {
            return [];
        }

        // Every word is quoted, so nothing a caller types is read as FTS5 query syntax.
        var match = string.Join(" OR ", words.Take(32).Select(w => "\"" + w.Replace("\"", "", StringComparison.Ordinal) + "\""));
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.id, e.question, e.answer, e.topic, -bm25(kb_fts, 3.0, 1.0, 0.5) AS score
            FROM kb_fts JOIN kb_entries e ON e.id = kb_fts.rowid
            WHERE kb_fts MATCH $match AND e.status = 'approved' AND ($topic IS NULL OR e.topic = $topic)
            ORDER BY bm25(kb_fts, 3.0, 1.0, 0.5) LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$topic", (object?)topic ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var hits = new List<KbSearchHit>();
        while (reader.Read())
        {
            hits.Add(new KbSearchHit(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                Math.Round(reader.GetDouble(4), 6)));
        }

        return hits;
    }
}
