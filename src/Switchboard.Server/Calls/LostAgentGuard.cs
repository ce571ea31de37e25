using System.Globalization;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Ingest;
using Switchboard.Server.Operations;

namespace Switchboard.Server.Calls;

/// <summary>
/// Ends active calls whose agent has gone silent (no events, no heartbeats) for the configured
/// time, with reason <c>agent_error</c>, so no ghost call survives an agent crash.
/// </summary>
public sealed partial class LostAgentGuard(
    LiveCalls live,
    EventIngestor ingestor,
    IOptions<CallsOptions> options,
    TimeProvider clock,
    ILogger<LostAgentGuard> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.AgentTimeoutSeconds);
        return BackgroundPass.RunEveryAsync(
            TimeSpan.FromSeconds(options.Value.GuardIntervalSeconds), clock, logger, "the lost-agent guard", ct => SweepAsync(timeout, ct), stoppingToken);
    }

    /// <summary>Ends every call silent for longer than <paramref name="timeout"/>.</summary>
    public async Task SweepAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lost = live.Active
            .Where(c => (live.LastHeard(c.CallId) ?? c.LastEventAt) + timeout < now)
            .Select(c => new EventEnvelope
            {
                Id = DerivedId.Of("lost-agent", c.CallId, c.LastSeq.ToString(CultureInfo.InvariantCulture)),
                CallId = c.CallId,
                Type = EventTypes.CallEnded,
                At = now,
                Data = System.Text.Json.JsonSerializer.SerializeToElement(
                    new CallEndedData("agent_error", $"No events or heartbeats from the agent for {timeout.TotalSeconds:0} s."),
                    ContractJson.Options),
            })
            .ToList();
        if (lost.Count == 0)
        {
            return;
        }

        try
        {
            await ingestor.AppendServerEventsAsync(lost, cancellationToken);
            LogEnded(lost.Count, timeout.TotalSeconds);
        }
        catch (Storage.EventStoreUnavailableException ex)
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Ended {Count} calls whose agent was silent for over {Seconds} s")]
    private partial void LogEnded(int count, double seconds);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Could not end silent calls")]
    private partial void LogFailed(Exception ex);
}
