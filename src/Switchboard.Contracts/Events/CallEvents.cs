using System.Text.Json;

namespace Switchboard.Contracts.Events;

// Payload records are grouped by domain, one small file per group, because each is a few lines.

/// <summary>Who called (or was called).</summary>
public sealed record CallerInfo(string? Number = null, string? Identity = null, string? Name = null);

/// <summary><c>call.started</c>.</summary>
public sealed record CallStartedData(
    string? RoomName = null,
    string? RoomSid = null,
    string? AgentName = null,
    string? Direction = null,
    CallerInfo? Caller = null,
    JsonElement? Metadata = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Optional("roomName", RoomName);
        errors.Optional("roomSid", RoomSid);
        errors.Optional("agentName", AgentName);
        errors.OneOf("direction", Direction, Vocabulary.Directions, required: false);
        errors.Optional("caller.number", Caller?.Number);
        errors.Optional("caller.identity", Caller?.Identity);
        errors.Optional("caller.name", Caller?.Name);
        if (Metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            errors.Add("metadata", "must be a JSON object");
        }
    }
}

/// <summary><c>call.ended</c>.</summary>
public sealed record CallEndedData(string? Reason = null, string? Detail = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.OneOf("reason", Reason, Vocabulary.EndReasons);
        errors.Optional("detail", Detail, Limits.MediumText);
    }
}

/// <summary><c>participant.joined</c> and <c>participant.left</c>.</summary>
public sealed record ParticipantData(string? Identity = null, string? Role = null, string? Kind = null, string? Name = null)
    : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Required("identity", Identity);
        errors.OneOf("role", Role, Vocabulary.ParticipantRoles);
        errors.Optional("kind", Kind, 32);
        errors.Optional("name", Name);
    }
}

/// <summary><c>agent.state</c>.</summary>
public sealed record AgentStateData(string? State = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors) => errors.OneOf("state", State, Vocabulary.AgentStates);
}

/// <summary><c>agent.handoff</c>: one persona hands the call to another.</summary>
public sealed record AgentHandoffData(string? From = null, string? To = null, string? Reason = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Optional("from", From);
        errors.Required("to", To);
        errors.Optional("reason", Reason, Limits.MediumText);
    }
}

/// <summary><c>agent.heartbeat</c> (ephemeral): the agent is alive and still on the call.</summary>
public sealed record HeartbeatData : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
    }
}

/// <summary><c>debug</c> (ephemeral): a line of the agent's live debug stream.</summary>
public sealed record DebugData(string? Message = null, string? Category = null, JsonElement? Detail = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Required("message", Message, Limits.LongText);
        errors.Optional("category", Category, 64);
    }
}
