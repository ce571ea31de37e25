using Switchboard.Contracts.Events;

namespace Switchboard.Server.Outbound;

/// <summary>
/// The body of a delivery, in the Standard Webhooks shape: the event's <paramref name="Type"/>,
/// when it was stored (<paramref name="Timestamp"/>), the subscription, and the stored event as the
/// call's streams show it (<paramref name="Data"/>: callId, seq, id, type, at, receivedAt, data).
/// </summary>
/// <param name="Type">The event's type.</param>
/// <param name="Timestamp">When the server stored the event.</param>
/// <param name="SubscriptionId">The subscription this delivery is for.</param>
/// <param name="Data">The event.</param>
public sealed record WebhookMessage(string Type, DateTimeOffset Timestamp, string SubscriptionId, StoredEvent Data);
