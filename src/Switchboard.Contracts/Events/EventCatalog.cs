using System.Collections.Frozen;

namespace Switchboard.Contracts.Events;

/// <summary>Every known event type: payload, durability, and who may emit it.</summary>
public static class EventCatalog
{
    private static readonly FrozenDictionary<string, EventKind> Kinds = new EventKind[]
    {
        Agent(EventTypes.CallStarted, typeof(CallStartedData)),
        Agent(EventTypes.CallEnded, typeof(CallEndedData)),
        Agent(EventTypes.ParticipantJoined, typeof(ParticipantData)),
        Agent(EventTypes.ParticipantLeft, typeof(ParticipantData)),
        Agent(EventTypes.TranscriptFinal, typeof(TranscriptData)),
        Agent(EventTypes.AgentState, typeof(AgentStateData)),
        Agent(EventTypes.AgentHandoff, typeof(AgentHandoffData)),
        Agent(EventTypes.ToolCalled, typeof(ToolCalledData)),
        Agent(EventTypes.ToolResult, typeof(ToolResultData)),
        Agent(EventTypes.MetricsTurn, typeof(TurnMetricsData)),
        Agent(EventTypes.EscalationRequested, typeof(EscalationData.Requested)),
        Agent(EventTypes.EscalationCancelled, typeof(EscalationData)),
        Agent(EventTypes.CommandAcked, typeof(CommandAckedData)),
        Agent(EventTypes.TransferCompleted, typeof(TransferData)),
        Agent(EventTypes.TransferFailed, typeof(TransferData)),
        Server(EventTypes.SentimentScored, typeof(SentimentScoredData)),
        Server(EventTypes.AlertRaised, typeof(AlertRaisedData)),
        Server(EventTypes.EscalationClaimed, typeof(EscalationData)),
        Server(EventTypes.EscalationAnswered, typeof(EscalationData)),
        Server(EventTypes.EscalationTimedOut, typeof(EscalationData)),
        Server(EventTypes.SupervisorJoined, typeof(SupervisorPresenceData)),
        Server(EventTypes.SupervisorLeft, typeof(SupervisorPresenceData)),
        Server(EventTypes.SupervisorGuidance, typeof(GuidanceData)),
        Server(EventTypes.ControlTakeover, typeof(ControlData)),
        Server(EventTypes.ControlHandback, typeof(ControlData)),
        Server(EventTypes.TransferRequested, typeof(TransferData)),
        Server(EventTypes.CallDisposition, typeof(DispositionData)),
        Server(EventTypes.ScorecardCompleted, typeof(ScorecardData)),
        Server(EventTypes.ScorecardReviewed, typeof(ReviewData)),
        Server(EventTypes.RecordingRequested, typeof(RecordingData)),
        Server(EventTypes.RecordingStarted, typeof(RecordingData)),
        Server(EventTypes.RecordingCompleted, typeof(RecordingData)),
        Server(EventTypes.RecordingFailed, typeof(RecordingData)),
        new(EventTypes.TranscriptInterim, typeof(TranscriptData), Durable: false, AgentMaySend: true),
        new(EventTypes.Debug, typeof(DebugData), Durable: false, AgentMaySend: true),
        new(EventTypes.AgentHeartbeat, typeof(HeartbeatData), Durable: false, AgentMaySend: true),
    }.ToFrozenDictionary(k => k.Type, StringComparer.Ordinal);

    /// <summary>All known (non-custom) types.</summary>
    public static IEnumerable<EventKind> All => Kinds.Values;

    /// <summary>Looks up a type; custom <c>x-</c> types are durable, agent-sent and opaque.</summary>
    public static EventKind? Find(string type)
    {
        if (Kinds.TryGetValue(type, out var kind))
        {
            return kind;
        }

        return IsCustom(type) ? new EventKind(type, null, Durable: true, AgentMaySend: true) : null;
    }

    /// <summary>True for a well-formed custom type name (<c>x-</c> then at least one character).</summary>
    public static bool IsCustom(string type) =>
        type.Length > EventTypes.CustomPrefix.Length && type.StartsWith(EventTypes.CustomPrefix, StringComparison.Ordinal);

    /// <summary>True when events of this type are stored.</summary>
    public static bool IsDurable(string type) => Find(type)?.Durable ?? false;

    private static EventKind Agent(string type, Type data) => new(type, data, Durable: true, AgentMaySend: true);

    private static EventKind Server(string type, Type data) => new(type, data, Durable: true, AgentMaySend: false);
}
