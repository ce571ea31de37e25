using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Operations;

/// <summary>
/// Who runs a job that must run on one node at a time (the analyzers, the attention clock, the
/// lost-agent guard, the reconciler). With one node (SQLite) the node always holds every lease.
/// </summary>
public interface IJobLeases
{
    /// <summary>Waits until this node holds the lease of <paramref name="job"/>.</summary>
    Task<JobLease> AcquireAsync(string job, CancellationToken cancellationToken);
}

/// <summary>A held lease: <see cref="Lost"/> fires if the node can no longer be sure it holds it.</summary>
public sealed class JobLease(CancellationToken lost, Func<ValueTask> release) : IAsyncDisposable
{
    /// <summary>Fires when the lease is lost (the database connection that holds it broke).</summary>
    public CancellationToken Lost { get; } = lost;

    /// <summary>Gives the lease back.</summary>
    public ValueTask DisposeAsync() => release();
}

/// <summary>One node: every lease is held at once and never lost.</summary>
public sealed class LocalJobLeases : IJobLeases
{
    /// <inheritdoc />
    public Task<JobLease> AcquireAsync(string job, CancellationToken cancellationToken) =>
        Task.FromResult(new JobLease(CancellationToken.None, () => ValueTask.CompletedTask));
}

/// <summary>
/// Leases as PostgreSQL session advisory locks, one connection per held lease. A node that dies
/// loses its connection and with it the lock, so another node's next attempt (every
/// <see cref="RetryInterval"/>) takes the job over; a holder checks its connection as often and
/// stops the job the moment it cannot.
/// </summary>
public sealed partial class PostgresJobLeases(PostgresDatabase database, ILogger<PostgresJobLeases> logger) : IJobLeases
{
    /// <summary>How often a waiting node tries the lock and a holding node checks its connection.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>The advisory-lock key of a job: the first 8 bytes of SHA-256 of its name.</summary>
    public static long KeyOf(string job) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("switchboard.job." + job)), 0);

    /// <inheritdoc />
    public async Task<JobLease> AcquireAsync(string job, CancellationToken cancellationToken)
    {
        var key = KeyOf(job);
        while (true)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key);", connection))
                {
                    command.Parameters.AddWithValue("key", key);
                    if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                    {
                        LogAcquired(job);
                        return Hold(job, key, connection);
                    }
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                LogAttemptFailed(ex, job);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private JobLease Hold(string job, long key, NpgsqlConnection connection)
    {
        var lost = new CancellationTokenSource();
        var released = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            try
            {
                while (!released.IsCancellationRequested)
                {
                    await Task.Delay(RetryInterval, released.Token).ConfigureAwait(false);
                    await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                    await ping.ExecuteScalarAsync(released.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (released.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // Any failure of the lease's connection means the lease may be gone.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogLost(ex, job);
                await lost.CancelAsync().ConfigureAwait(false);
            }
        });
        return new JobLease(lost.Token, async () =>
        {
            await released.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
            try
            {
                // The connection goes back to the pool, not away: the lock is given back first.
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key);", connection);
                unlock.Parameters.AddWithValue("key", key);
                await unlock.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                // A broken session holds no lock.
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            released.Dispose();
            lost.Dispose();
        });
    }

    [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "This node runs {Job}")]
    private partial void LogAcquired(string job);

    [LoggerMessage(EventId = 8011, Level = LogLevel.Warning, Message = "This node lost the lease of {Job}; it stops the job and waits for the lease again")]
    private partial void LogLost(Exception ex, string job);

    [LoggerMessage(EventId = 8012, Level = LogLevel.Warning, Message = "Trying the lease of {Job} failed; trying again")]
    private partial void LogAttemptFailed(Exception ex, string job);
}

/// <summary>Runs a job only while this node holds its lease, and again whenever it gets it back.</summary>
public static class LeasedJob
{
    /// <summary>Acquires the lease, runs <paramref name="run"/> until the lease is lost or the host stops, and repeats.</summary>
    public static async Task RunAsync(IJobLeases leases, string job, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            JobLease lease;
            try
            {
                lease = await leases.AcquireAsync(job, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            await using (lease.ConfigureAwait(false))
            {
                using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                try
                {
                    await run(running.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (running.IsCancellationRequested)
                {
                }

                if (!lease.Lost.IsCancellationRequested)
                {
                    // The job ended by itself or the host is stopping.
                    return;
                }
            }
        }
    }
}
