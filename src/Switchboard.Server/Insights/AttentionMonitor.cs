using Microsoft.Extensions.Options;
using Switchboard.Server.Ingest;
using Switchboard.Server.Operations;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Insights;

/// <summary>
/// The clock of the attention score: re-evaluates every active call periodically, because
/// silences and time on hold grow without any event arriving.
/// </summary>
public sealed partial class AttentionMonitor(
    AttentionTracker attention,
    EventIngestor ingestor,
    IOptions<InsightsOptions> options,
    TimeProvider clock,
    IJobLeases leases,
    ILogger<AttentionMonitor> logger) : BackgroundService
{
    /// <inheritdoc />
    /// <remarks>One node runs the clock at a time (the lease "attention clock").</remarks>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        LeasedJob.RunAsync(
            leases,
            "attention clock",
            ct => BackgroundPass.RunEveryAsync(TimeSpan.FromSeconds(options.Value.ReevaluateSeconds), clock, logger, "the attention clock", TickAsync, ct),
            stoppingToken);

    /// <summary>Re-evaluates every active call now and appends the alerts that crossed.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var alerts = attention.EvaluateAll(clock.GetUtcNow());
        if (alerts.Count == 0)
        {
            return;
        }

        try
        {
            await ingestor.AppendServerEventsAsync(alerts, cancellationToken);
        }
        catch (EventStoreUnavailableException ex)
        {
            LogAppendFailed(alerts.Count, ex);
        }
    }

    [LoggerMessage(EventId = 6011, Level = LogLevel.Error, Message = "Could not append {Count} alerts")]
    private partial void LogAppendFailed(int count, Exception ex);
}
