namespace Switchboard.Sdk.Commands;

/// <summary><c>resume</c>: carry on after a <see cref="PauseCommand"/>; <see cref="Summary"/> tells what was said meanwhile.</summary>
public sealed class ResumeCommand : SwitchboardCommand
{
    /// <summary>What happened while the agent was paused, when the server knows.</summary>
    public string? Summary { get; init; }

    /// <summary>True when the server could not unmute the agent's track in LiveKit: unmute it yourself.</summary>
    public bool UnmuteSelf { get; init; }
}
