using System.Text.Json;

namespace Switchboard.Sdk.Commands;

/// <summary>
/// A command from a supervisor, pushed by the server for one call. Apply it, then call
/// <see cref="Acknowledge"/> (or <see cref="Fail"/>): the server records <c>command.acked</c>
/// and stops redelivering it. Handlers registered with <see cref="CallReporter.On{TCommand}"/>
/// are acknowledged automatically when they return.
/// </summary>
public abstract class SwitchboardCommand
{
    private CallReporter? _call;
    private int _acknowledged;

    /// <summary>The command's id, unique per command.</summary>
    public string CommandId { get; private set; } = "";

    /// <summary>The call it is for.</summary>
    public string CallId { get; private set; } = "";

    /// <summary>The command type (<c>guide</c>, <c>pause</c>, …).</summary>
    public string Type { get; private set; } = "";

    /// <summary>The raw payload, for fields this SDK version does not model.</summary>
    public JsonElement Data { get; private set; }

    /// <summary>True once <see cref="Acknowledge"/> or <see cref="Fail"/> was called.</summary>
    public bool IsAcknowledged => Volatile.Read(ref _acknowledged) != 0;

    /// <summary>Reports that the command was applied. Only the first call has an effect.</summary>
    public void Acknowledge() => Complete(null);

    /// <summary>Reports that the command could not be applied, and why. Only the first call has an effect.</summary>
    /// <param name="error">What went wrong, for the supervisor.</param>
    public void Fail(string error) => Complete(string.IsNullOrEmpty(error) ? "failed" : error);

    /// <summary>The error given to <see cref="Fail"/>, null when applied.</summary>
    internal string? AckError { get; private set; }

    internal void Bind(CallReporter call, string commandId, string type, JsonElement data)
    {
        _call = call;
        CommandId = commandId;
        CallId = call.CallId;
        Type = type;
        Data = data;
    }

    private void Complete(string? error)
    {
        if (Interlocked.Exchange(ref _acknowledged, 1) == 0)
        {
            AckError = error;
            _call?.CommandAcked(CommandId, error);
        }
    }
}
