using System.Globalization;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Ingest;
using Switchboard.Server.Operations;

namespace Switchboard.Server.Calls;

/// <summary>
/// Ends active calls whose agent has gone silent (no events, no heartbeats) for the configured
/// time, with reason <c>agent_error</c>, so no ghost call survives an agent crash. With several
/// nodes, every node publishes when it last heard each agent (<see cref="IAgentPresence"/>), and
/// one node at a time (the lease "lost-agent guard") ends only calls silent on every node.
/// </summary>
public sealed partial class LostAgentGuard(
    LiveCalls live,
    EventIngestor ingestor,
    IOptions<CallsOptions> options,
    TimeProvider clock,
    IAgentPresence presence,
    IJobLeases leases,
    ILogger<LostAgentGuard> logger) : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset> _published = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.AgentTimeoutSeconds);
        var interval = TimeSpan.FromSeconds(options.Value.GuardIntervalSeconds);
        var publishing = BackgroundPass.RunEveryAsync(interval, clock, logger, "the agent presence", PublishAsync, stoppingToken);
        var sweeping = LeasedJob.RunAsync(
            leases, "lost-agent guard", ct => BackgroundPass.RunEveryAsync(interval, clock, logger, "the lost-agent guard", c => SweepAsync(timeout, c), ct), stoppingToken);
        return Task.WhenAll(publishing, sweeping);
    }

    /// <summary>Publishes when this node last heard each active call's agent, where that changed.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var changed = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var call in live.Active)
        {
            if (live.LastHeard(call.CallId) is { } heard && (!_published.TryGetValue(call.CallId, out var sent) || sent < heard))
            {
                changed[call.CallId] = heard;
            }
        }

        await presence.PublishAsync(changed, cancellationToken);
        foreach (var (callId, heard) in changed)
        {
            _published[callId] = heard;
        }

        if (_published.Count > 2 * Math.Max(16, live.Count))
        {
            foreach (var callId in _published.Keys.Where(id => live.Find(id) is null).ToList())
            {
                _published.Remove(callId);
            }
        }
    }

    /// <summary>Ends every call silent for longer than <paramref name="timeout"/> on every node.</summary>
    public async Task SweepAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var silentHere = live.Active.Where(c => (live.LastHeard(c.CallId) ?? c.LastEventAt) + timeout < now).ToList();
        if (silentHere.Count == 0)
        {
            return;
        }

        var heardElsewhere = await presence.ReadAsync([.. silentHere.Select(c => c.CallId)], cancellationToken);
        var lost = silentHere
            .Where(c => !(heardElsewhere.TryGetValue(c.CallId, out var heard) && heard + timeout >= now))
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
            await presence.ForgetAsync(now - (10 * timeout), cancellationToken);
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
