using System.Text.Json;

namespace Switchboard.Contracts.Events;

/// <summary>
/// An event as an agent sends it. Fields are nullable so that a missing field is reported by
/// <see cref="EventValidator"/> with its name instead of failing deserialisation.
/// </summary>
public sealed class EventEnvelope
{
    /// <summary>Client-generated unique id; the idempotency key within a call.</summary>
    public string? Id { get; set; }

    /// <summary>The call the event belongs to (a LiveKit room SID, or another prefixed id).</summary>
    public string? CallId { get; set; }

    /// <summary>One of <see cref="EventTypes"/>, or a custom type starting with <c>x-</c>.</summary>
    public string? Type { get; set; }

    /// <summary>When the event happened, as the agent saw it (UTC).</summary>
    public DateTimeOffset? At { get; set; }

    /// <summary>The type-specific payload (a JSON object).</summary>
    public JsonElement Data { get; set; }

    /// <summary>
    /// Optional W3C trace context (<c>00-{trace id}-{span id}-{flags}</c>) of the agent's span the
    /// event was reported in; stored with the event so an operator can go to the agent's trace.
    /// </summary>
    public string? Traceparent { get; set; }
}
