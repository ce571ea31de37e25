namespace Switchboard.Sdk.Commands;

/// <summary><c>pause</c>: stop speaking and replying until <see cref="ResumeCommand"/> (a supervisor is taking over).</summary>
public sealed class PauseCommand : SwitchboardCommand;
