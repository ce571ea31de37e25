namespace Switchboard.Sdk;

/// <summary>How an escalation ended.</summary>
public enum EscalationOutcome
{
    /// <summary>A supervisor answered: use <see cref="EscalationResult.Answer"/>.</summary>
    Answered,

    /// <summary>No supervisor who handles the topic was online: do not keep the caller holding (offer a call-back).</summary>
    NoSupervisor,

    /// <summary>Nobody answered within the timeout.</summary>
    TimedOut,

    /// <summary>The request was withdrawn (the call ended, or the wait was cancelled).</summary>
    Cancelled,
}
