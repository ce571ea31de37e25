namespace Switchboard.Agents.Runtime;

/// <summary>How an agent session behaves around its model (docs/AGENTS.md).</summary>
public sealed record AgentOptions
{
    /// <summary>When the first token is this late, the agent says <see cref="OneMoment"/> once in the turn.</summary>
    public TimeSpan OneMomentAfter { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>What the agent says when the model is slow to start.</summary>
    public string OneMoment { get; init; } = "One moment, please.";

    /// <summary>What the agent says when no model answers.</summary>
    public string Apology { get; init; } = "I'm sorry, I'm having trouble right now. Could you say that again?";

    /// <summary>How long the caller holds for a supervisor's answer.</summary>
    public TimeSpan EscalationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Model rounds a turn may take (each tool result is one more).</summary>
    public int MaxRounds { get; init; } = 6;

    /// <summary>The longest a call may last; then the agent ends it.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(30);
}
