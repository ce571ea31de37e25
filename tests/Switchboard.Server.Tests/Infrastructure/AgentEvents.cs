using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>Event envelopes as an agent would send them.</summary>
public static class AgentEvents
{
    public static EventEnvelope Make(string callId, string type, object data, string? id = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString("N"),
        CallId = callId,
        Type = type,
        At = DateTimeOffset.UtcNow,
        Data = JsonSerializer.SerializeToElement(data, ContractJson.Options),
    };

    public static EventEnvelope CallStarted(string callId) =>
        Make(callId, EventTypes.CallStarted, new { roomName = "room-" + callId, agentName = "receptionist", direction = "inbound" });

    public static EventEnvelope Said(string callId, string speaker, string text) =>
        Make(callId, EventTypes.TranscriptFinal, new { speaker, segmentId = Guid.NewGuid().ToString("N"), text });

    public static EventEnvelope Ended(string callId, string reason = "caller_hangup") =>
        Make(callId, EventTypes.CallEnded, new { reason });

    public static EventEnvelope Escalate(string callId, string requestId, string question, string? topic, double timeoutMs = 60_000) =>
        Make(callId, EventTypes.EscalationRequested, new { requestId, question, topic, context = "The caller asked about it twice.", timeoutMs });

    public static string NewCallId() => "CALL_" + Guid.NewGuid().ToString("N")[..12];
}
