using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Outbound;

/// <summary>The rules of subscriptions: what a valid one is, where a new one starts, how a replay moves cursors, and how one stands.</summary>
public sealed class OutboundSubscriptions(IOutboundRecords records, IEventStore log, OutboundDelivery delivery, IOptions<OutboundOptions> options, TimeProvider clock)
{
    private const int MaxEventTypes = 50;

    /// <summary>Creates a subscription with a new secret. One for every call starts now (open calls at their last seq); one for a call starts at its first event.</summary>
    /// <exception cref="InvalidSubscriptionFieldException">A field is not valid.</exception>
    public async Task<(OutboundSubscription Subscription, string Secret)> CreateAsync(CreateSubscriptionRequest request, CancellationToken cancellationToken)
    {
        var name = ValidName(request.Name);
        var url = ValidUrl(request.Url);
        var types = ValidTypes(request.EventTypes ?? ["*"]);
        var callId = request.CallId is null ? null : ValidCallId(request.CallId);
        var secret = WebhookSignature.NewSecret();
        var mark = await log.CallsMarkAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<(string, long)> cursors = [];
        if (callId is null)
        {
            var active = await log.ListActiveCallIdsAsync(cancellationToken).ConfigureAwait(false);
            var progress = await log.CallProgressAsync(long.MaxValue, active, cancellationToken).ConfigureAwait(false);
            cursors = progress.Select(p => (p.CallId, p.LastSeq)).ToList();
        }

        var id = "sub_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var subscription = new OutboundSubscription(id, name, url, secret, null, null, types, callId, false, clock.GetUtcNow(), mark, 1);
        await records.AddAsync(subscription, cursors, cancellationToken).ConfigureAwait(false);
        return (subscription, secret);
    }

    /// <summary>Applies an admin's change; null when there is no such subscription.</summary>
    /// <exception cref="InvalidSubscriptionFieldException">A field is not valid.</exception>
    public async Task<OutboundSubscription?> UpdateAsync(string id, UpdateSubscriptionRequest request, CancellationToken cancellationToken)
    {
        if (await records.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } current)
        {
            return null;
        }

        var changed = current with
        {
            Name = request.Name is null ? current.Name : ValidName(request.Name),
            Url = request.Url is null ? current.Url : ValidUrl(request.Url),
            EventTypes = request.EventTypes is null ? current.EventTypes : ValidTypes(request.EventTypes),
            Paused = request.Paused ?? current.Paused,
        };
        return await records.UpdateAsync(changed, cancellationToken).ConfigureAwait(false) ? changed : null;
    }

    /// <summary>Replaces the secret; the previous one signs beside it for <c>Outbound:RotationOverlapMinutes</c>. Null when there is no such subscription.</summary>
    public async Task<RotatedSecret?> RotateAsync(string id, CancellationToken cancellationToken)
    {
        if (await records.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } current)
        {
            return null;
        }

        var until = clock.GetUtcNow().AddMinutes(options.Value.RotationOverlapMinutes);
        var secret = WebhookSignature.NewSecret();
        var rotated = current with { Secret = secret, PreviousSecret = current.Secret, PreviousUntil = until };
        return await records.UpdateAsync(rotated, cancellationToken).ConfigureAwait(false) ? new RotatedSecret(secret, until) : null;
    }

    /// <summary>
    /// Moves cursors back for a replay and resumes dead-lettered calls: from a seq of one call; from
    /// a time (each call's first event stored at or after it); or, with neither, each dead-lettered
    /// call from where it stopped. A cursor never moves forward. Null when there is no such subscription.
    /// </summary>
    /// <exception cref="InvalidSubscriptionFieldException">The request is not valid.</exception>
    public async Task<ReplayResult?> ReplayAsync(string id, ReplayRequest request, CancellationToken cancellationToken)
    {
        if (await records.FindAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        if (request.FromSeq is not null && (request.CallId is null || request.From is not null))
        {
            throw new InvalidSubscriptionFieldException("fromSeq", "'fromSeq' replays one call: give 'callId' with it, and no 'from'.");
        }

        if (request.FromSeq is < 1)
        {
            throw new InvalidSubscriptionFieldException("fromSeq", "'fromSeq' is a seq: 1 or more.");
        }

        var cursors = await records.CursorsAsync(id, cancellationToken).ConfigureAwait(false);
        var chosen = request.CallId is null ? cursors : cursors.Where(c => c.CallId == request.CallId).ToList();
        if (request.CallId is not null && chosen.Count == 0)
        {
            var known = await log.CallProgressAsync(long.MaxValue, [request.CallId], cancellationToken).ConfigureAwait(false);
            if (known.Count == 0)
            {
                throw new InvalidSubscriptionFieldException("callId", $"No call '{request.CallId}' is in the log.");
            }

            chosen = [new OutboundCursor(id, request.CallId, known[0].LastSeq, false, null, null, true, clock.GetUtcNow())];
        }

        var moves = new List<(string, long)>();
        foreach (var cursor in chosen)
        {
            long? target = null;
            if (request.FromSeq is { } fromSeq)
            {
                target = fromSeq - 1;
            }
            else if (request.From is { } from)
            {
                if (cursor.DeadLettered || cursor.UpdatedAt >= from)
                {
                    target = await FirstSeqSinceAsync(cursor.CallId, from, cursor.DeliveredSeq, cancellationToken).ConfigureAwait(false) - 1;
                }
            }
            else if (cursor.DeadLettered)
            {
                target = cursor.DeliveredSeq;
            }

            if (target is { } seq && (seq < cursor.DeliveredSeq || cursor.DeadLettered))
            {
                moves.Add((cursor.CallId, Math.Min(seq, cursor.DeliveredSeq)));
            }
        }

        return new ReplayResult(moves.Count == 0 ? 0 : await records.ReplayAsync(id, moves, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>How a subscription stands: its cursors against the log.</summary>
    public async Task<(SubscriptionView View, IReadOnlyList<CallCursorView> Calls)> DescribeAsync(OutboundSubscription subscription, CancellationToken cancellationToken)
    {
        var cursors = await records.CursorsAsync(subscription.Id, cancellationToken).ConfigureAwait(false);
        var progress = (await log.CallProgressAsync(long.MaxValue, cursors.Select(c => c.CallId).ToList(), cancellationToken).ConfigureAwait(false))
            .ToDictionary(p => p.CallId, p => p.LastSeq, StringComparer.Ordinal);
        var calls = cursors.Select(c => new CallCursorView(c.CallId, c.DeliveredSeq, progress.GetValueOrDefault(c.CallId), c.DeadLettered, c.FailingSince, c.LastError, c.UpdatedAt)).ToList();
        var dead = calls.Count(c => c.DeadLettered);
        var failing = calls.Count(c => !c.DeadLettered && c.FailingSince is not null);
        var circuit = delivery.CircuitOf(subscription.Url)?.OpenUntil;
        if (circuit <= clock.GetUtcNow())
        {
            circuit = null;
        }

        var state = subscription.Paused ? "paused" : dead > 0 ? "dead_letter" : circuit is not null ? "circuit_open" : failing > 0 ? "failing" : "active";
        var lastError = calls.Where(c => c.LastError is not null).OrderByDescending(c => c.UpdatedAt).Select(c => c.LastError).FirstOrDefault();
        var view = new SubscriptionView(
            subscription.Id,
            subscription.Name,
            subscription.Url,
            subscription.EventTypes,
            subscription.CallId,
            subscription.Paused,
            subscription.CreatedAt,
            state,
            calls.Count,
            calls.Sum(c => Math.Max(0, c.LastSeq - c.DeliveredSeq)),
            failing,
            dead,
            lastError,
            circuit,
            subscription.PreviousUntil > clock.GetUtcNow() ? subscription.PreviousUntil : null);
        return (view, calls);
    }

    private async Task<long> FirstSeqSinceAsync(string callId, DateTimeOffset from, long upTo, CancellationToken cancellationToken)
    {
        var after = 0L;
        while (after < upTo)
        {
            var page = await log.ReadAsync(callId, after, 500, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            if (page.FirstOrDefault(e => e.ReceivedAt >= from) is { } first)
            {
                return first.Seq;
            }

            after = page[^1].Seq;
        }

        return upTo + 1;
    }

    private static string ValidName(string? name) =>
        name is { Length: >= 1 and <= 100 } && !string.IsNullOrWhiteSpace(name)
            ? name.Trim()
            : throw new InvalidSubscriptionFieldException("name", "The subscription needs a name of 1 to 100 characters.");

    private static string ValidUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && url.Length <= 2000
            ? uri.AbsoluteUri
            : throw new InvalidSubscriptionFieldException("url", "The URL must be an absolute http:// or https:// address of at most 2000 characters.");

    private static IReadOnlyList<string> ValidTypes(IReadOnlyList<string> types)
    {
        if (types.Count is 0 or > MaxEventTypes)
        {
            throw new InvalidSubscriptionFieldException("eventTypes", $"Give 1 to {MaxEventTypes} event types: exact (call.ended), prefixes (transcript.*) or *.");
        }

        foreach (var type in types)
        {
            if (type is null || !EventTypeFilter.IsValid(type))
            {
                throw new InvalidSubscriptionFieldException("eventTypes", $"'{type}' is not an event type: use an exact type (call.ended), a prefix (transcript.*) or *.");
            }
        }

        return types.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string ValidCallId(string callId) =>
        callId is { Length: >= 1 and <= 200 } && !callId.Any(char.IsWhiteSpace)
            ? callId
            : throw new InvalidSubscriptionFieldException("callId", "A call id has 1 to 200 characters without spaces.");
}
