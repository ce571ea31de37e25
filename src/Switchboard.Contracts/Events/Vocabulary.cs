namespace Switchboard.Contracts.Events;

/// <summary>Allowed values of enumerated event fields.</summary>
public static class Vocabulary
{
    /// <summary>Participant roles.</summary>
    public static readonly string[] ParticipantRoles = ["customer", "agent", "supervisor", "human_agent"];

    /// <summary>Speaker roles of transcripts (a supervisor speaks during a take-over).</summary>
    public static readonly string[] SpeakerRoles = ["customer", "agent", "supervisor", "human_agent"];

    /// <summary>LiveKit's <c>lk.agent.state</c> values.</summary>
    public static readonly string[] AgentStates = ["initializing", "idle", "listening", "thinking", "speaking"];

    /// <summary>Why a call ended.</summary>
    public static readonly string[] EndReasons =
        ["completed", "caller_hangup", "transferred", "supervisor_ended", "agent_error", "room_finished", "reconciled"];

    /// <summary>Call directions.</summary>
    public static readonly string[] Directions = ["inbound", "outbound", "web"];

    /// <summary>Sentiment labels.</summary>
    public static readonly string[] SentimentLabels = ["negative", "neutral", "positive"];

    /// <summary>Supervisor presence modes.</summary>
    public static readonly string[] SupervisorModes = ["listen", "takeover"];

    /// <summary>Transfer modes.</summary>
    public static readonly string[] TransferModes = ["cold", "warm"];

    /// <summary>What started a recording: the configuration (every call) or a supervisor.</summary>
    public static readonly string[] RecordingTriggers = ["auto", "supervisor"];
}
