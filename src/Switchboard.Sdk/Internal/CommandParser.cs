using System.Text.Json;
using Switchboard.Contracts.Commands;
using Switchboard.Sdk.Commands;

namespace Switchboard.Sdk.Internal;

/// <summary>Turns a wire command into its typed form; unknown fields are ignored, unknown types kept raw.</summary>
internal static class CommandParser
{
    public static SwitchboardCommand Parse(AgentCommand raw, CallReporter call)
    {
        var data = raw.Data;
        SwitchboardCommand command = raw.Type switch
        {
            CommandTypes.Guide => new GuideCommand { Text = Text(data, "text") ?? "", By = Text(data, "by") },
            CommandTypes.Pause => new PauseCommand(),
            CommandTypes.Resume => new ResumeCommand { Summary = Text(data, "summary"), UnmuteSelf = Flag(data, "unmuteSelf") },
            CommandTypes.End => new EndCommand { Reason = Text(data, "reason") },
            CommandTypes.Transfer => new TransferCommand { Destination = Text(data, "destination") ?? "", Mode = Text(data, "mode") ?? "cold" },
            CommandTypes.EscalationAnswer => new EscalationAnswerCommand
            {
                RequestId = Text(data, "requestId") ?? "",
                Answer = Text(data, "answer") ?? Text(data, "text") ?? "",
                By = Text(data, "by"),
                Outcome = Text(data, "outcome") ?? EscalationOutcomes.Answered,
                Reason = Text(data, "reason"),
            },
            CommandTypes.Say => new SayCommand { Text = Text(data, "text") ?? "" },
            _ => new UnknownCommand(),
        };
        command.Bind(call, raw.CommandId, raw.Type, data.ValueKind == JsonValueKind.Undefined ? default : data.Clone());
        return command;
    }

    private static bool Flag(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
