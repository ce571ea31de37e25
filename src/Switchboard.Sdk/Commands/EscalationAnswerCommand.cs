namespace Switchboard.Sdk.Commands;

/// <summary><c>escalation.answer</c>: a human answered a question the agent escalated.</summary>
public sealed class EscalationAnswerCommand : SwitchboardCommand
{
    /// <summary>The escalation's request id.</summary>
    public string RequestId { get; init; } = "";

    /// <summary>The answer.</summary>
    public string Answer { get; init; } = "";

    /// <summary>Who answered.</summary>
    public string? By { get; init; }

    /// <summary>
    /// How the request ended: <c>answered</c>, <c>no_supervisor</c>, <c>timed_out</c> or
    /// <c>cancelled</c> (<see cref="Contracts.Commands.EscalationOutcomes"/>).
    /// </summary>
    public string Outcome { get; init; } = Contracts.Commands.EscalationOutcomes.Answered;

    /// <summary>Why there is no answer, in words the agent may relay.</summary>
    public string? Reason { get; init; }
}
