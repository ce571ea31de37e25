namespace Switchboard.Contracts.Commands;

/// <summary>
/// Payload of the <c>escalation.answer</c> command: how a help request ended, pushed to the agent
/// the moment it is known.
/// </summary>
/// <param name="RequestId">The agent's request id from <c>escalation.requested</c>.</param>
/// <param name="Outcome">One of <see cref="EscalationOutcomes"/>.</param>
/// <param name="Answer">The supervisor's answer when <see cref="Outcome"/> is <c>answered</c>.</param>
/// <param name="By">Who answered.</param>
/// <param name="Reason">Why there is no answer, in words the agent may relay (for example to offer a call-back).</param>
public sealed record EscalationAnswerData(string RequestId, string Outcome, string? Answer = null, string? By = null, string? Reason = null);
