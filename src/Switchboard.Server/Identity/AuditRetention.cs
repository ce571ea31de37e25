using Microsoft.Extensions.Options;

namespace Switchboard.Server.Identity;

/// <summary>
/// Keeps the audit trail to <see cref="AccountOptions.AuditRetentionDays"/>: once at start and
/// then every hour, deletes older records and records the deletion (actor <c>system</c>, action
/// <c>audit.purged</c>, with the cut-off and the count), so the trail shows its own gaps.
/// </summary>
public sealed partial class AuditRetention(AuditLog audit, IOptions<AccountOptions> options, TimeProvider clock, ILogger<AuditRetention> logger) : BackgroundService
{
    /// <summary>Time between two purges.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Deletes what is past retention now; returns how many records went.</summary>
    public long PurgeOnce()
    {
        var days = options.Value.AuditRetentionDays;
        if (days == 0)
        {
            return 0;
        }

        var before = clock.GetUtcNow() - TimeSpan.FromDays(days);
        var deleted = audit.Purge(before);
        if (deleted > 0)
        {
            audit.Record(Actor.System, "audit.purged", "ok", detail: new { before, deleted, retentionDays = days });
            LogPurged(deleted, days);
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Operations.BackgroundPass.Guard(logger, "the audit retention", () => PurgeOnce());

                await Task.Delay(Interval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Deleted {Deleted} audit records older than {Days} days")]
    private partial void LogPurged(long deleted, int days);
}
