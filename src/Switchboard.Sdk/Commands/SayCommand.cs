namespace Switchboard.Sdk.Commands;

/// <summary><c>say</c>: speak this text to the caller as is.</summary>
public sealed class SayCommand : SwitchboardCommand
{
    /// <summary>The text to speak.</summary>
    public string Text { get; init; } = "";
}
