namespace Switchboard.Server.Outbound;

/// <summary>
/// Where and what to deliver. <see cref="CallsMark"/> is the subscription's place among the calls
/// of the log (<see cref="Storage.IEventStore.CallsMarkAsync"/>): every call stored up to it has a
/// cursor. <see cref="Revision"/> changes with every change, so the delivering node reloads.
/// </summary>
/// <param name="Id">The subscription's id (<c>sub_…</c>).</param>
/// <param name="Name">A name for people.</param>
/// <param name="Url">The endpoint (http or https).</param>
/// <param name="Secret">The signing secret (<c>whsec_…</c>); never shown after creation or rotation.</param>
/// <param name="PreviousSecret">The secret before the last rotation, still signing until <paramref name="PreviousUntil"/>.</param>
/// <param name="PreviousUntil">When the previous secret stops signing.</param>
/// <param name="EventTypes">Event types delivered: exact (<c>call.ended</c>), prefixes (<c>transcript.*</c>) or <c>*</c>.</param>
/// <param name="CallId">Only this call's events, or every call's when null.</param>
/// <param name="Paused">True when an admin paused delivery.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CallsMark">Calls stored up to this mark have a cursor.</param>
/// <param name="Revision">Increases with every change.</param>
public sealed record OutboundSubscription(
    string Id,
    string Name,
    string Url,
    string Secret,
    string? PreviousSecret,
    DateTimeOffset? PreviousUntil,
    IReadOnlyList<string> EventTypes,
    string? CallId,
    bool Paused,
    DateTimeOffset CreatedAt,
    long CallsMark,
    long Revision);
