using System.Globalization;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Ingest;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// The events the bridge writes into the log. Ids are derived from what LiveKit reported, so the
/// same fact reported twice (a redelivered webhook, a webhook and the reconciler) is stored once.
/// </summary>
public static class BridgeEvents
{
    /// <summary>A call LiveKit told us about before its agent did.</summary>
    public static EventEnvelope CallStarted(LiveKitRoom room, string? agentName, string source, DateTimeOffset at) =>
        Create(room.Sid, DerivedId.Of("livekit-start", room.Sid), EventTypes.CallStarted, at, new CallStartedData(
            RoomName: room.Name,
            RoomSid: room.Sid,
            AgentName: string.IsNullOrEmpty(agentName) ? null : agentName,
            Metadata: JsonSerializer.SerializeToElement(new { source }, ContractJson.Options)));

    /// <summary>The end of a call, reported by LiveKit (<c>room_finished</c>) or found by the reconciler (<c>reconciled</c>).</summary>
    public static EventEnvelope CallEnded(string callId, string reason, string detail, DateTimeOffset at) =>
        Create(callId, DerivedId.Of("livekit-end", callId), EventTypes.CallEnded, at, new CallEndedData(reason, detail));

    /// <summary>A participant joined or left.</summary>
    public static EventEnvelope Participant(string callId, string eventId, bool joined, LiveKitParticipant p, string role, DateTimeOffset at) =>
        Create(callId, eventId, joined ? EventTypes.ParticipantJoined : EventTypes.ParticipantLeft, at, new ParticipantData(
            Identity: p.Identity,
            Role: role,
            Kind: ParticipantRoles.KindName(p),
            Name: string.IsNullOrEmpty(p.Name) ? null : p.Name));

    /// <summary>LiveKit shows the agent in the room: keeps a call whose agent does not report to Switchboard from being taken for lost.</summary>
    public static EventEnvelope AgentSeen(string callId, DateTimeOffset at) =>
        Create(callId, DerivedId.Of("livekit-seen", callId, at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), EventTypes.AgentHeartbeat, at, new HeartbeatData());

    /// <summary>The agent's name as LiveKit Agents publishes it, else its identity.</summary>
    public static string AgentName(LiveKitParticipant agent) =>
        agent.Attributes.TryGetValue("lk.agent.name", out var name) && name.Length > 0 ? name : agent.Identity;

    private static EventEnvelope Create<T>(string callId, string id, string type, DateTimeOffset at, T data) => new()
    {
        Id = id,
        CallId = callId,
        Type = type,
        At = at,
        Data = JsonSerializer.SerializeToElement(data, ContractJson.Options),
    };
}
