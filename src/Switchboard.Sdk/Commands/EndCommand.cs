namespace Switchboard.Sdk.Commands;

/// <summary><c>end</c>: close the call politely and report its end.</summary>
public sealed class EndCommand : SwitchboardCommand
{
    /// <summary>Why, when given.</summary>
    public string? Reason { get; init; }
}
