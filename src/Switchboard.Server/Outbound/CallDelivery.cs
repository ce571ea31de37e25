using System.Diagnostics;
using Switchboard.Contracts.Events;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Outbound;

/// <summary>
/// Delivers one call's events to one subscription in seq order: the next event is sent only after
/// the one before was acknowledged (2xx). A failing event is retried with backoff until
/// <c>Outbound:RetryForSeconds</c> after its first failure, then the call is dead-lettered (its
/// cursor stays before the event; a replay resumes it). Acknowledged deliveries are written (the
/// cursor with their log rows, one transaction) in groups: at most <see cref="SaveEvery"/> or
/// <see cref="SaveAfter"/> apart, and always when the call has nothing more to send, when an
/// attempt fails and when the node stops. A node that dies sends the unwritten ones again, under
/// the same delivery ids.
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
    /// <summary>Most acknowledged deliveries written in one transaction.</summary>
    public const int SaveEvery = 64;

    /// <summary>Longest an acknowledged delivery waits to be written while its call keeps sending.</summary>
    public static readonly TimeSpan SaveAfter = TimeSpan.FromMilliseconds(200);

    private const int Page = 100;
    private readonly List<DeliveryAttempt> _unsaved = [];
    private OutboundCursor _saved = null!;
    private long _unsavedSince;

    /// <summary>
    /// Sends what the call has past <paramref name="cursor"/> up to at least
    /// <paramref name="lastSeq"/>, its last seq when the pass looked (a call that keeps sending
    /// does not keep its slot); returns the cursor as written, or null when someone else (a replay)
    /// moved it meanwhile.
    /// </summary>
    public async Task<OutboundCursor?> RunAsync(OutboundCursor cursor, long lastSeq, CancellationToken cancellationToken)
    {
        _saved = cursor;
        var reached = cursor;
        var position = cursor.DeliveredSeq;
        var ended = cursor.Ended;
        try
        {
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
                        var delivered = await DeliverAsync(reached, e, ended, cancellationToken).ConfigureAwait(false);
                        if (delivered is null || delivered.DeadLettered)
                        {
                            return delivered;
                        }

                        reached = delivered;
                    }

                    position = e.Seq;
                }

                if (position >= lastSeq)
                {
                    // What came later waits for the next pass, behind the calls that waited longer.
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && _unsaved.Count > 0)
        {
            // A node that stops writes what was acknowledged, so the next holder does not send it again.
            try
            {
                await SaveAsync(reached, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // Not written: those events are sent again, under the same ids.
            }

            throw;
        }

        if (position != reached.DeliveredSeq || ended != reached.Ended)
        {
            // Events the filter passes over move the cursor too, so they are not read again.
            reached = reached with { DeliveredSeq = position, Ended = ended, UpdatedAt = clock.GetUtcNow() };
        }

        return await SaveAsync(reached, CancellationToken.None).ConfigureAwait(false) ? reached : null;
    }

    private async Task<OutboundCursor?> DeliverAsync(OutboundCursor reached, StoredEvent e, bool ended, CancellationToken cancellationToken)
    {
        var deliveryId = DeliveryId.Of(subscription.Id, e.CallId, e.Seq);
        var retryFor = TimeSpan.FromSeconds(options.RetryForSeconds);
        var failingSince = reached.FailingSince;
        var attempt = 0;
        while (true)
        {
            if (!circuit.TryEnter(out var wait))
            {
                if (failingSince is { } since && clock.GetUtcNow() - since > retryFor)
                {
                    return await DeadLetterAsync(reached, e, failingSince, reached.LastError ?? "circuit open", null).ConfigureAwait(false);
                }

                // Nothing is sent for a while: what was acknowledged is written first.
                if (!await SaveAsync(reached, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                await Task.Delay(Min(wait, TimeSpan.FromSeconds(1)), clock, cancellationToken).ConfigureAwait(false);
                continue;
            }

            attempt++;
            var at = clock.GetUtcNow();
            var outcome = await sender.SendAsync(subscription, e, deliveryId, attempt, cancellationToken).ConfigureAwait(false);
            var entry = new DeliveryAttempt(subscription.Id, at, deliveryId, e.CallId, e.Seq, e.Type, attempt, outcome.Status, outcome.Error, outcome.Duration.TotalMilliseconds);
            if (outcome.Error is null)
            {
                circuit.Succeeded();
                counters.Delivered();
                var moved = reached with { DeliveredSeq = e.Seq, FailingSince = null, LastError = null, Ended = ended, UpdatedAt = clock.GetUtcNow() };
                Unsaved(entry);
                var due = _unsaved.Count >= SaveEvery || Stopwatch.GetElapsedTime(_unsavedSince) >= SaveAfter;
                return !due || await SaveAsync(moved, CancellationToken.None).ConfigureAwait(false) ? moved : null;
            }

            circuit.Failed();
            counters.Failed();
            failingSince ??= at;
            if (clock.GetUtcNow() - failingSince.Value > retryFor)
            {
                return await DeadLetterAsync(reached, e, failingSince, outcome.Error, entry).ConfigureAwait(false);
            }

            // The events passed over before this one stay behind the cursor, and the failure is kept for a restart.
            var failing = reached with { DeliveredSeq = e.Seq - 1, FailingSince = failingSince, LastError = outcome.Error, UpdatedAt = clock.GetUtcNow() };
            Unsaved(entry);
            if (!await SaveAsync(failing, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            reached = failing;
            var backoff = RetryBackoff.After(attempt, TimeSpan.FromMilliseconds(options.InitialBackoffMilliseconds), TimeSpan.FromSeconds(options.MaxBackoffSeconds));
            await Task.Delay(backoff, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<OutboundCursor?> DeadLetterAsync(OutboundCursor reached, StoredEvent e, DateTimeOffset? failingSince, string error, DeliveryAttempt? entry)
    {
        counters.DeadLettered();
        var dead = reached with { DeliveredSeq = e.Seq - 1, DeadLettered = true, FailingSince = failingSince, LastError = error, UpdatedAt = clock.GetUtcNow() };
        if (entry is not null)
        {
            Unsaved(entry);
        }

        return await SaveAsync(dead, CancellationToken.None).ConfigureAwait(false) ? dead : null;
    }

    private void Unsaved(DeliveryAttempt entry)
    {
        if (_unsaved.Count == 0)
        {
            _unsavedSince = Stopwatch.GetTimestamp();
        }

        _unsaved.Add(entry);
    }

    /// <summary>Writes the cursor with the attempts not written yet, unless nothing changed; false when a replay had moved it.</summary>
    private async Task<bool> SaveAsync(OutboundCursor cursor, CancellationToken cancellationToken)
    {
        if (_unsaved.Count == 0 && cursor == _saved)
        {
            return true;
        }

        var written = await records.SaveAsync(cursor, _saved.DeliveredSeq, _unsaved, cancellationToken).ConfigureAwait(false);
        _unsaved.Clear();
        if (written)
        {
            _saved = cursor;
        }

        return written;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
