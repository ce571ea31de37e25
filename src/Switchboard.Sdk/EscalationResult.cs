namespace Switchboard.Sdk;

/// <summary>The end of an escalation: the supervisor's answer, or why there is none.</summary>
/// <param name="RequestId">The request's id (in the call's <c>escalation.*</c> events).</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Answer">The answer when <see cref="Outcome"/> is <see cref="EscalationOutcome.Answered"/>.</param>
/// <param name="By">Who answered.</param>
/// <param name="Reason">Why there is no answer, in words the agent may relay to the caller.</param>
public sealed record EscalationResult(string RequestId, EscalationOutcome Outcome, string? Answer, string? By, string? Reason)
{
    /// <summary>True when there is an answer.</summary>
    public bool IsAnswered => Outcome == EscalationOutcome.Answered;
}
