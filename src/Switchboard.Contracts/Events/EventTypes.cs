#pragma warning disable CS1591 // The constant names are the documentation.

namespace Switchboard.Contracts.Events;

/// <summary>The names of the event types. Custom types start with <see cref="CustomPrefix"/>.</summary>
public static class EventTypes
{
    /// <summary>Prefix of custom event types, stored as opaque JSON.</summary>
    public const string CustomPrefix = "x-";

    public const string CallStarted = "call.started";
    public const string CallEnded = "call.ended";
    public const string ParticipantJoined = "participant.joined";
    public const string ParticipantLeft = "participant.left";
    public const string TranscriptFinal = "transcript.final";
    public const string TranscriptInterim = "transcript.interim";
    public const string AgentState = "agent.state";
    public const string AgentHandoff = "agent.handoff";
    public const string AgentHeartbeat = "agent.heartbeat";
    public const string ToolCalled = "tool.called";
    public const string ToolResult = "tool.result";
    public const string MetricsTurn = "metrics.turn";
    public const string SentimentScored = "sentiment.scored";
    public const string AlertRaised = "alert.raised";
    public const string EscalationRequested = "escalation.requested";
    public const string EscalationClaimed = "escalation.claimed";
    public const string EscalationAnswered = "escalation.answered";
    public const string EscalationTimedOut = "escalation.timed_out";
    public const string EscalationCancelled = "escalation.cancelled";
    public const string SupervisorJoined = "supervisor.joined";
    public const string SupervisorLeft = "supervisor.left";
    public const string SupervisorGuidance = "supervisor.guidance";
    public const string CommandAcked = "command.acked";
    public const string ControlTakeover = "control.takeover";
    public const string ControlHandback = "control.handback";
    public const string TransferRequested = "transfer.requested";
    public const string TransferCompleted = "transfer.completed";
    public const string TransferFailed = "transfer.failed";
    public const string Debug = "debug";

    /// <summary>A supervisor set the call's disposition, tags or a note (during or after the call).</summary>
    public const string CallDisposition = "call.disposition";

    /// <summary>The server scored the ended call against its scorecard.</summary>
    public const string ScorecardCompleted = "scorecard.completed";

    /// <summary>A supervisor confirmed or overrode the call's scorecard result.</summary>
    public const string ScorecardReviewed = "scorecard.reviewed";

    /// <summary>The server claimed the call's recording (once per attempt) before asking LiveKit Egress to start it.</summary>
    public const string RecordingRequested = "recording.requested";

    /// <summary>LiveKit Egress started recording the call's room.</summary>
    public const string RecordingStarted = "recording.started";

    /// <summary>The recording's file is finished: where it is and what part of the call it covers.</summary>
    public const string RecordingCompleted = "recording.completed";

    /// <summary>The recording could not be started, or Egress ended it without a file.</summary>
    public const string RecordingFailed = "recording.failed";
}
