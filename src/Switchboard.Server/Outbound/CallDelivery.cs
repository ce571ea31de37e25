using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Outbound;

/// <summary>
/// Delivers one call's events to one subscription in seq order: the next event is sent only after
/// the one before was acknowledged (2xx) and the cursor moved past it. A failing event is retried
/// with backoff until <c>Outbound:RetryForSeconds</c> after its first failure, then the call is
/// dead-lettered (its cursor stays before the event; a replay resumes it).
/// </summary>
internal sealed class CallDelivery(
    OutboundSubscription subscription,
    IEventStore log,
    IOutboundRecords records,
    WebhookSender sender,
    EndpointCircuit circuit,
    OutboundOptions options,
    OutboundCounters counters,
    TimeProvider clock)
{
    private const int Page = 100;

    /// <summary>Delivers what follows <paramref name="cursor"/>; returns the cursor as stored, or null when another writer (a replay) moved it.</summary>
    public async Task<OutboundCursor?> RunAsync(OutboundCursor cursor, CancellationToken cancellationToken)
    {
        var stored = cursor;
        var position = cursor.DeliveredSeq;
        var ended = cursor.Ended;
        while (true)
        {
            var events = await log.ReadAsync(cursor.CallId, position, Page, cancellationToken).ConfigureAwait(false);
            if (events.Count == 0)
            {
                break;
            }

            foreach (var e in events)
            {
                ended |= e.Type == EventTypes.CallEnded;
                if (EventTypeFilter.Matches(subscription.EventTypes, e.Type))
                {
                    var delivered = await DeliverAsync(stored, e, ended, cancellationToken).ConfigureAwait(false);
                    if (delivered is null || delivered.DeadLettered)
                    {
                        return delivered;
                    }

                    stored = delivered;
                }

                position = e.Seq;
            }
        }

        if (position != stored.DeliveredSeq || ended != stored.Ended)
        {
            // Events the filter passes over move the cursor too, so they are not read again.
            var skipped = stored with { DeliveredSeq = position, Ended = ended, UpdatedAt = clock.GetUtcNow() };
            return await records.SaveAsync(skipped, stored.DeliveredSeq, null, cancellationToken).ConfigureAwait(false) ? skipped : null;
        }

        return stored;
    }

    private async Task<OutboundCursor?> DeliverAsync(OutboundCursor stored, StoredEvent e, bool ended, CancellationToken cancellationToken)
    {
        var deliveryId = DeliveryId.Of(subscription.Id, e.CallId, e.Seq);
        var retryFor = TimeSpan.FromSeconds(options.RetryForSeconds);
        var failingSince = stored.FailingSince;
        var attempt = 0;
        while (true)
        {
            if (!circuit.TryEnter(out var wait))
            {
                if (failingSince is { } since && clock.GetUtcNow() - since > retryFor)
                {
                    return await DeadLetterAsync(stored, e, failingSince, stored.LastError ?? "circuit open", cancellationToken).ConfigureAwait(false);
                }

                await Task.Delay(Min(wait, TimeSpan.FromSeconds(1)), clock, cancellationToken).ConfigureAwait(false);
                continue;
            }

            attempt++;
            var at = clock.GetUtcNow();
            var outcome = await sender.SendAsync(subscription, e, deliveryId, attempt, cancellationToken).ConfigureAwait(false);
            var log = new DeliveryAttempt(subscription.Id, at, deliveryId, e.CallId, e.Seq, e.Type, attempt, outcome.Status, outcome.Error, outcome.Duration.TotalMilliseconds);
            if (outcome.Error is null)
            {
                circuit.Succeeded();
                counters.Delivered();
                var moved = stored with { DeliveredSeq = e.Seq, FailingSince = null, LastError = null, Ended = ended, UpdatedAt = clock.GetUtcNow() };
                return await records.SaveAsync(moved, stored.DeliveredSeq, log, CancellationToken.None).ConfigureAwait(false) ? moved : null;
            }

            circuit.Failed();
            counters.Failed();
            failingSince ??= at;
            if (clock.GetUtcNow() - failingSince.Value > retryFor)
            {
                return await DeadLetterAsync(stored, e, failingSince, outcome.Error, cancellationToken, log).ConfigureAwait(false);
            }

            // The events passed over before this one stay behind the cursor, and the failure is kept for a restart.
            var failing = stored with { DeliveredSeq = e.Seq - 1, FailingSince = failingSince, LastError = outcome.Error, UpdatedAt = clock.GetUtcNow() };
            if (!await records.SaveAsync(failing, stored.DeliveredSeq, log, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            stored = failing;
            var backoff = RetryBackoff.After(attempt, TimeSpan.FromMilliseconds(options.InitialBackoffMilliseconds), TimeSpan.FromSeconds(options.MaxBackoffSeconds));
            await Task.Delay(backoff, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<OutboundCursor?> DeadLetterAsync(OutboundCursor stored, StoredEvent e, DateTimeOffset? failingSince, string error, CancellationToken cancellationToken, DeliveryAttempt? log = null)
    {
        counters.DeadLettered();
        var dead = stored with { DeliveredSeq = e.Seq - 1, DeadLettered = true, FailingSince = failingSince, LastError = error, UpdatedAt = clock.GetUtcNow() };
        return await records.SaveAsync(dead, stored.DeliveredSeq, log, cancellationToken).ConfigureAwait(false) ? dead : null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
