namespace Switchboard.Server.Outbound;

/// <summary>One attempt in the delivery log.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="At">When the attempt started.</param>
/// <param name="DeliveryId">The <c>webhook-id</c>: the same for every attempt of one event.</param>
/// <param name="CallId">The event's call.</param>
/// <param name="Seq">The event's seq.</param>
/// <param name="EventType">The event's type.</param>
/// <param name="Attempt">1 for the first attempt of the event since it reached the cursor, then 2, 3, …</param>
/// <param name="Status">The receiver's HTTP status, or null when there was none.</param>
/// <param name="Error">Why the attempt failed (status, timeout, connection refused, open circuit), or null on success.</param>
/// <param name="DurationMs">How long the attempt took.</param>
public sealed record DeliveryAttempt(
    string SubscriptionId,
    DateTimeOffset At,
    string DeliveryId,
    string CallId,
    long Seq,
    string EventType,
    int Attempt,
    int? Status,
    string? Error,
    double DurationMs)
{
    /// <summary>True when the receiver acknowledged the event (2xx).</summary>
    public bool Delivered => Error is null;
}
