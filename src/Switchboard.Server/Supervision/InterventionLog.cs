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

    /// <summary>
    /// The id of a command an intervention sends: derived from the request when it has an id, so
    /// a retry (on any node) sends the same command again and the agent, which drops a command id
    /// it has seen, carries it out once.
    /// </summary>
    public static string CommandId(string? seed) => seed is null ? ServerEvent.NewId("cmd") : ServerEvent.StableId("cmd", seed);

    /// <summary>Sends a command to the agent; true when a connection (of any node) received it now.</summary>
    public Task<bool> SendAsync(string callId, string commandId, string type, object data, CancellationToken cancellationToken) =>
        commands.SendAsync(new AgentCommand(commandId, callId, type, JsonSerializer.SerializeToElement(data, ContractJson.Options)), cancellationToken);

    /// <summary>
    /// Appends one event with an id given by the caller: an id both nodes derive from the call's
    /// state makes the log decide between two requests at once (the second is a duplicate).
    /// </summary>
    public async Task<EventAck> AppendWithIdAsync(string callId, string id, string type, object data, CancellationToken cancellationToken)
    {
        var envelope = ServerEvent.Create(callId, type, data, id, clock.GetUtcNow());
        return (await ingestor.AppendServerEventsAsync([envelope], cancellationToken))[0];
    }

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
