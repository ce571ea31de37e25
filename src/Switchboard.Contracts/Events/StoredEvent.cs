using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Contracts.Events;

/// <summary>
/// An event as the server stores and publishes it. <see cref="Seq"/> is 0 for ephemeral events,
/// which are fanned out but never stored.
/// </summary>
/// <param name="CallId">The call.</param>
/// <param name="Seq">Per-call sequence number, 1, 2, 3 … with no gaps; 0 when ephemeral.</param>
/// <param name="Id">The client-generated id (idempotency key).</param>
/// <param name="Type">The event type.</param>
/// <param name="At">When it happened (agent clock).</param>
/// <param name="ReceivedAt">When the server received it.</param>
/// <param name="Data">The payload.</param>
/// <param name="Traceparent">The agent's W3C trace context sent with the event, or null.</param>
public sealed record StoredEvent(
    string CallId,
    long Seq,
    string Id,
    string Type,
    DateTimeOffset At,
    DateTimeOffset ReceivedAt,
    JsonElement Data,
    string? Traceparent = null)
{
    /// <summary>True when the event is not stored (interim transcripts, debug, heartbeats).</summary>
    [JsonIgnore]
    public bool IsEphemeral => Seq == 0;
}
