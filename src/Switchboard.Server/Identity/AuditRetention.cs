using Microsoft.Extensions.Options;

namespace Switchboard.Server.Identity;

/// <summary>
/// Keeps the audit trail to <see cref="AccountOptions.AuditRetentionDays"/>: once at start and
/// then every hour (on one node at a time), deletes older records and records the deletion (actor <c>system</c>, action
/// <c>audit.purged</c>, with the cut-off and the count), so the trail shows its own gaps.
/// </summary>
public sealed partial class AuditRetention(AuditLog audit, IOptions<AccountOptions> options, TimeProvider clock, Operations.IJobLeases leases, ILogger<AuditRetention> logger) : BackgroundService
{
    /// <summary>Time between two purges.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Deletes what is past retention now; returns how many records went.</summary>
    public async Task<long> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.AuditRetentionDays;
        if (days == 0)
        {
            return 0;
        }

        var before = clock.GetUtcNow() - TimeSpan.FromDays(days);
        var deleted = await audit.PurgeAsync(before, cancellationToken);
        if (deleted > 0)
        {
            await audit.RecordAsync(Actor.System, "audit.purged", "ok", detail: new { before, deleted, retentionDays = days });
            LogPurged(deleted, days);
        }

        return deleted;
    }

    /// <inheritdoc />
    /// <remarks>One node purges at a time (the lease "audit retention"); the first pass runs at once.</remarks>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Operations.LeasedJob.RunAsync(leases, "audit retention", PurgeEveryIntervalAsync, stoppingToken);

    private async Task PurgeEveryIntervalAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Operations.BackgroundPass.RunOnceAsync(logger, "the audit retention", PurgeOnceAsync, cancellationToken);
            await Task.Delay(Interval, clock, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Deleted {Deleted} audit records older than {Days} days")]
    private partial void LogPurged(long deleted, int days);
}
