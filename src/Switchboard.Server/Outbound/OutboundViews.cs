namespace Switchboard.Server.Outbound;

/// <summary>Body of <c>POST /api/v1/admin/outbound/subscriptions</c>.</summary>
/// <param name="Name">A name for people.</param>
/// <param name="Url">The receiver's URL (http or https).</param>
/// <param name="EventTypes">Types to deliver: exact, prefixes like <c>transcript.*</c>, or <c>*</c> (the default).</param>
/// <param name="CallId">Only this call (delivered from its first event), or every call (from now on) when absent.</param>
public sealed record CreateSubscriptionRequest(string? Name, string? Url, IReadOnlyList<string>? EventTypes, string? CallId);

/// <summary>Body of <c>PATCH /api/v1/admin/outbound/subscriptions/{id}</c>; absent fields stay as they are.</summary>
/// <param name="Name">A new name.</param>
/// <param name="Url">A new URL.</param>
/// <param name="EventTypes">A new filter.</param>
/// <param name="Paused">True pauses delivery, false resumes it.</param>
public sealed record UpdateSubscriptionRequest(string? Name, string? Url, IReadOnlyList<string>? EventTypes, bool? Paused);

/// <summary>Body of <c>POST …/replay</c>: from a seq of one call, from a time (of one call or all), or neither (dead-lettered calls resume where they stopped).</summary>
/// <param name="CallId">The call to replay (required with <paramref name="FromSeq"/>).</param>
/// <param name="FromSeq">The first seq to deliver again.</param>
/// <param name="From">Deliver again every event stored at or after this time.</param>
public sealed record ReplayRequest(string? CallId, long? FromSeq, DateTimeOffset? From);

/// <summary>What a replay set.</summary>
/// <param name="Calls">How many calls' cursors moved or resumed.</param>
public sealed record ReplayResult(int Calls);

/// <summary>A subscription as the admin API shows it (never its secret).</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Url">Its URL.</param>
/// <param name="EventTypes">Its filter.</param>
/// <param name="CallId">Its call, when it follows one.</param>
/// <param name="Paused">Paused by an admin.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="State"><c>active</c>, <c>paused</c>, <c>failing</c> (an event is being retried), <c>circuit_open</c> or <c>dead_letter</c> (a call's delivery stopped; replay resumes it).</param>
/// <param name="Calls">Calls it has cursors for.</param>
/// <param name="EventsBehind">Events stored and not yet past the cursors, dead-lettered calls included.</param>
/// <param name="FailingCalls">Calls whose next event is being retried.</param>
/// <param name="DeadLetteredCalls">Calls whose delivery stopped after <c>Outbound:RetryForSeconds</c>.</param>
/// <param name="LastError">The latest failure of a failing or dead-lettered call.</param>
/// <param name="CircuitOpenUntil">Until when its endpoint's circuit is open, as the delivering node sees it (when that is this node).</param>
/// <param name="SecretRotatedUntil">Until when the previous secret still signs beside the new one.</param>
public sealed record SubscriptionView(
    string Id,
    string Name,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? CallId,
    bool Paused,
    DateTimeOffset CreatedAt,
    string State,
    int Calls,
    long EventsBehind,
    int FailingCalls,
    int DeadLetteredCalls,
    string? LastError,
    DateTimeOffset? CircuitOpenUntil,
    DateTimeOffset? SecretRotatedUntil);

/// <summary>A created subscription with its secret, shown only this once.</summary>
/// <param name="Subscription">The subscription.</param>
/// <param name="Secret">The signing secret (<c>whsec_…</c>).</param>
public sealed record CreatedSubscription(SubscriptionView Subscription, string Secret);

/// <summary>A new secret, shown only this once; the previous one signs beside it until <paramref name="PreviousValidUntil"/>.</summary>
/// <param name="Secret">The new secret.</param>
/// <param name="PreviousValidUntil">Until when deliveries carry the previous secret's signature too.</param>
public sealed record RotatedSecret(string Secret, DateTimeOffset PreviousValidUntil);

/// <summary>One call's cursor as the admin API shows it.</summary>
/// <param name="CallId">The call.</param>
/// <param name="DeliveredSeq">Delivered (or passed over by the filter) up to this seq.</param>
/// <param name="LastSeq">The call's last stored seq.</param>
/// <param name="DeadLettered">Delivery of this call stopped.</param>
/// <param name="FailingSince">When the event at the cursor first failed.</param>
/// <param name="LastError">Its last failure.</param>
/// <param name="UpdatedAt">When the cursor last changed.</param>
public sealed record CallCursorView(string CallId, long DeliveredSeq, long LastSeq, bool DeadLettered, DateTimeOffset? FailingSince, string? LastError, DateTimeOffset UpdatedAt);

/// <summary>One entry of the delivery log.</summary>
/// <param name="Row">Its row (page with <c>before</c>).</param>
/// <param name="At">When the attempt started.</param>
/// <param name="DeliveryId">The <c>webhook-id</c>.</param>
/// <param name="CallId">The call.</param>
/// <param name="Seq">The event's seq.</param>
/// <param name="EventType">The event's type.</param>
/// <param name="Attempt">Its number among the attempts of the event.</param>
/// <param name="Status">The receiver's status.</param>
/// <param name="Error">Why it failed, or null when acknowledged.</param>
/// <param name="DurationMs">How long it took.</param>
public sealed record DeliveryLogEntry(long Row, DateTimeOffset At, string DeliveryId, string CallId, long Seq, string EventType, int Attempt, int? Status, string? Error, double DurationMs);
