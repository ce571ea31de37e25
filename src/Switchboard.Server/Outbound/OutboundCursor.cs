namespace Switchboard.Server.Outbound;

/// <summary>
/// How far one call's events are delivered to one subscription: the log is read from
/// <see cref="DeliveredSeq"/> on, never copied.
/// </summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="CallId">The call.</param>
/// <param name="DeliveredSeq">Every event up to this seq was acknowledged (or did not match the filter).</param>
/// <param name="DeadLettered">True when an event was retried for <c>Outbound:RetryForSeconds</c> and delivery of this call stopped.</param>
/// <param name="FailingSince">When the first failed attempt of the event at the cursor was, while it fails.</param>
/// <param name="LastError">The last failure, while the call fails or is dead-lettered.</param>
/// <param name="Ended">True when the call's <c>call.ended</c> is behind the cursor.</param>
/// <param name="UpdatedAt">When the row last changed.</param>
public sealed record OutboundCursor(
    string SubscriptionId,
    string CallId,
    long DeliveredSeq,
    bool DeadLettered,
    DateTimeOffset? FailingSince,
    string? LastError,
    bool Ended,
    DateTimeOffset UpdatedAt);
