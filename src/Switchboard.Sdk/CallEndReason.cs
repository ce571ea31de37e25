namespace Switchboard.Sdk;

/// <summary>Why a call ended.</summary>
public enum CallEndReason
{
    /// <summary>The conversation reached its end.</summary>
    Completed,

    /// <summary>The caller hung up.</summary>
    CallerHangup,

    /// <summary>The call was transferred away from the agent.</summary>
    Transferred,

    /// <summary>A supervisor ended the call.</summary>
    SupervisorEnded,

    /// <summary>The agent failed.</summary>
    AgentError,

    /// <summary>The LiveKit room closed.</summary>
    RoomFinished,
}
