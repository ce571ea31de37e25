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
}
