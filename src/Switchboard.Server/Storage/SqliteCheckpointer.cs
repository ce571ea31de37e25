using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Storage;

/// <summary>
/// Copies the WAL into the database file in the background. The writer's connection has
/// automatic checkpoints turned off: a checkpoint run inside a commit copies and syncs thousands of
/// pages while every waiting append (and so every acknowledgement and live delivery) waits
/// behind it. A passive checkpoint on its own connection runs beside the writer instead.
/// </summary>
public sealed partial class SqliteCheckpointer(
    SqliteConnectionFactory connections,
    IOptions<StorageOptions> options,
    ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.CheckpointIntervalMilliseconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Checkpoint();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one passive checkpoint: copies what it can without waiting for the writer.</summary>
    public void Checkpoint()
    {
        try
        {
            using var connection = connections.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            LogCheckpointFailed(ex);
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "A background WAL checkpoint failed; the next one will retry")]
    private partial void LogCheckpointFailed(Exception ex);
}
