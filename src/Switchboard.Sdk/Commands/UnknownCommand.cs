namespace Switchboard.Sdk.Commands;

/// <summary>A command type this SDK version does not know; read <see cref="SwitchboardCommand.Data"/>.</summary>
public sealed class UnknownCommand : SwitchboardCommand;
