using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Switchboard.Bench;

/// <summary>
/// The ceiling: rows/s that SQLite itself takes into the same events table, in batched
/// transactions, with the same pragmas and the same spread of events over calls as the ingest load.
/// </summary>
internal static class RawSqliteBenchmark
{
    public static double Run(string directory, int rows, int batch)
    {
        SQLitePCL.Batteries_V2.Init();
        Directory.CreateDirectory(directory);
        // A first run lets the JIT optimise the data-access code, as it is in a long-running server.
        Measure(Path.Combine(directory, "warm-up.db"), rows / 4, batch);
        return Measure(Path.Combine(directory, "raw.db"), rows, batch);
    }

    private static double Measure(string path, int rows, int batch)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        // The page size the server gives a new database file (Storage:PageSizeBytes).
        Exec(connection, "PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;");
        Exec(connection, """
            CREATE TABLE events (call_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
              at INTEGER NOT NULL, received_at INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (call_id, seq)) WITHOUT ROWID;
            CREATE UNIQUE INDEX ux_events_event_id ON events (call_id, event_id);
            """);
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO events VALUES ($c, $s, $i, $t, $a, $r, $d) ON CONFLICT (call_id, event_id) DO NOTHING;";
        var p = new[] { "$c", "$s", "$i", "$t", "$a", "$r", "$d" }.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        const string data = """{"speaker":"customer","segmentId":"seg-000","text":"I would like to move my appointment to Thursday afternoon please"}""";
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < rows;)
        {
            using var tx = connection.BeginTransaction();
            insert.Transaction = tx;
            for (var i = 0; i < batch && done < rows; i++, done++)
            {
                // As the ingest load sends them: runs of 100 events of one call, over 360 calls.
                var run = done / 100;
                p[0].Value = "call-" + (run % 360);
                p[1].Value = (run / 360 * 100) + (done % 100) + 1;
                p[2].Value = "e" + done;
                p[3].Value = "transcript.final";
                p[4].Value = DateTime.UtcNow.Ticks;
                p[5].Value = DateTime.UtcNow.Ticks;
                p[6].Value = data;
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        return rows / watch.Elapsed.TotalSeconds;
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
