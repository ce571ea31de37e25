using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Switchboard.Bench;

/// <summary>
/// How long SQLite's own busy timeout makes a writer wait for a lock another connection holds
/// for a few milliseconds (the bundled build once slept in whole seconds).
/// </summary>
internal static class BusyWaitProbe
{
    public static (string Version, IReadOnlyList<double> WaitsMs) Run(string directory, int holdMs, int rounds)
    {
        Directory.CreateDirectory(directory);
        var connectionString = $"Data Source={Path.Combine(directory, "busy.db")};Pooling=false";
        using var holder = new SqliteConnection(connectionString);
        holder.Open();
        using var waiter = new SqliteConnection(connectionString);
        waiter.Open();
        Exec(holder, "PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER);");
        Exec(waiter, "PRAGMA busy_timeout=5000;");
        string version;
        using (var v = waiter.CreateCommand())
        {
            v.CommandText = "SELECT sqlite_version();";
            version = (string)v.ExecuteScalar()!;
        }

        var waits = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            Exec(holder, "BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");
            var release = Task.Run(() =>
            {
                Thread.Sleep(holdMs);
                Exec(holder, "COMMIT;");
            });
            var clock = Stopwatch.StartNew();
            Exec(waiter, "INSERT INTO t VALUES (2);");
            waits.Add(clock.Elapsed.TotalMilliseconds);
            release.GetAwaiter().GetResult();
        }

        return (version, waits);
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
