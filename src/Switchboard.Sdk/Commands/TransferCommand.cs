namespace Switchboard.Sdk.Commands;

/// <summary><c>transfer</c>: hand the caller to a destination (a phone number, SIP URI or queue).</summary>
public sealed class TransferCommand : SwitchboardCommand
{
    /// <summary>Where to transfer to.</summary>
    public string Destination { get; init; } = "";

    /// <summary><c>cold</c> or <c>warm</c>.</summary>
    public string Mode { get; init; } = "cold";
}
