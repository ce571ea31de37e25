namespace Switchboard.Sdk.Commands;

/// <summary><c>guide</c>: a supervisor's text guidance; add it to the agent's instructions for the rest of the call.</summary>
public sealed class GuideCommand : SwitchboardCommand
{
    /// <summary>The guidance.</summary>
    public string Text { get; init; } = "";

    /// <summary>Who sent it.</summary>
    public string? By { get; init; }
}
