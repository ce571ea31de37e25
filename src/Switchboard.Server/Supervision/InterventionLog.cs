using System.Text.Json;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Ingest;

namespace Switchboard.Server.Supervision;

/// <summary>How interventions reach the call: events appended to its log, commands pushed to its agent.</summary>
public sealed class InterventionLog(EventIngestor ingestor, AgentCommandRouter commands, TimeProvider clock)
{
    /// <summary>The seed of stable event ids for a client request id (null without one).</summary>
    public static string? Seed(Actor actor, string action, string? requestId) => requestId is null ? null : $"{actor.Id}|{action}|{requestId}";

    /// <summary>Sends a command to the agent; true when a connection received it now.</summary>
    public bool Send(string callId, string commandId, string type, object data) =>
        commands.Send(new AgentCommand(commandId, callId, type, JsonSerializer.SerializeToElement(data, ContractJson.Options)));

    /// <summary>Appends events to the call's log; with a seed their ids are stable, so a retried request stores them once.</summary>
    public async Task<IReadOnlyList<EventAck>> AppendAsync(string callId, string? seed, CancellationToken cancellationToken, params (string Type, object Data)[] events)
    {
        var now = clock.GetUtcNow();
        var envelopes = events.Select((e, i) => ServerEvent.Create(
            callId,
            e.Type,
            e.Data,
            seed is null ? ServerEvent.NewId("sup") : ServerEvent.StableId("sup", $"{seed}|{e.Type}|{i}"),
            now)).ToList();
        return await ingestor.AppendServerEventsAsync(envelopes, cancellationToken);
    }
}
