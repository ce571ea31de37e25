using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Storage;

/// <summary>
/// Copies the WAL into the database file in the background, and keeps the WAL from growing.
/// </summary>
/// <remarks>
/// <para>
/// The writer's connection has automatic checkpoints turned off: a checkpoint run inside a commit
/// copies and syncs thousands of pages while every waiting append (and so every acknowledgement
/// and live delivery) waits behind it. Passive checkpoints on their own connection and thread
/// run beside the writer instead.
/// </para>
/// <para>
/// A passive checkpoint copies the frames that were in the WAL when it began. Under a steady
/// load the writer has always appended more by the time it ends, and SQLite starts the WAL again
/// from its beginning only when a write transaction begins with every frame copied; otherwise
/// the file grows without end, and each sync has to allocate new blocks for it, which on ext4
/// holds up the writer's own appends. So each round makes passes until one copies only a few
/// frames, then a last pass between two commits (the writer held back meanwhile: 2–25 ms measured
/// at 10,000 events/s, mostly the two file syncs) copies the rest: the next commit restarts the
/// WAL, which stays small and reuses its blocks.
/// </para>
/// </remarks>
public sealed partial class SqliteCheckpointer(
    SqliteConnectionFactory connections,
    SqliteEventStore store,
    IOptions<StorageOptions> options,
    ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>A pass that copies at most this many frames is followed by the final pass.</summary>
    public const int SmallPassFrames = 512;

    private const int MaxPassesPerRound = 8;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.CheckpointIntervalMilliseconds);
        while (!stoppingToken.WaitHandle.WaitOne(interval))
        {
            Checkpoint();
        }
    }

    /// <summary>
    /// Runs one round: passive passes beside the writer, then a final pass between two commits.
    /// Returns the frames left in the WAL after the round (0 when everything was copied).
    /// </summary>
    public long Checkpoint()
    {
        try
        {
            using var connection = connections.Open();
            var started = Stopwatch.GetTimestamp();
            var passes = 0;
            var copied = 0L;
            var last = new Pass(0, 0);
            long work;
            var heldMs = 0.0;
            var finalWork = 0L;
            do
            {
                var pass = Passive(connection);
                work = pass.CopiedSince(last);
                copied += work;
                last = pass;
                passes++;
            }
            while (work > SmallPassFrames && passes < MaxPassesPerRound);

            if (last.Frames > last.Copied || work > 0)
            {
                var pass = store.BetweenCommits(() =>
                {
                    var held = Stopwatch.GetTimestamp();
                    var final = Passive(connection);
                    heldMs = Stopwatch.GetElapsedTime(held).TotalMilliseconds;
                    return final;
                });
                finalWork = pass.CopiedSince(last);
                copied += finalWork;
                last = pass;
                passes++;
            }

            LogRound(copied, passes, last.Frames - last.Copied, Stopwatch.GetElapsedTime(started).TotalMilliseconds, finalWork, heldMs);
            return last.Frames - last.Copied;
        }
        catch (SqliteException ex)
        {
            LogCheckpointFailed(ex);
            return -1;
        }
    }

    private static Pass Passive(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        // Columns: busy flag, frames in the WAL, frames copied into the database file (all of
        // them counted from the WAL's start; -1 when the database is not in WAL mode).
        return reader.Read() ? new Pass(reader.GetInt64(1), reader.GetInt64(2)) : new Pass(0, 0);
    }

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "WAL checkpoint: {Copied} frames copied in {Passes} passes, {Left} left, in {Milliseconds:F1} ms; the last pass copied {FinalFrames} frames and held the writer back {HeldMilliseconds:F1} ms")]
    private partial void LogRound(long copied, int passes, long left, double milliseconds, long finalFrames, double heldMilliseconds);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "A background WAL checkpoint failed; the next one will retry")]
    private partial void LogCheckpointFailed(Exception ex);

    /// <summary>What <c>wal_checkpoint</c> reports: frames in the WAL, and how many of them are copied.</summary>
    private readonly record struct Pass(long Frames, long Copied)
    {
        /// <summary>Frames this pass copied, given the one before (the counts start again when the WAL does).</summary>
        public long CopiedSince(Pass previous) => Frames >= previous.Frames ? Copied - previous.Copied : Copied;
    }
}
