using System.Collections.Concurrent;
using System.Threading.Channels;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Outbound;

/// <summary>
/// Delivery of one subscription (one revision of it): finds new calls through the log's calls
/// mark, and runs a <see cref="CallDelivery"/> for each call with events past its cursor, up to
/// <c>Outbound:ConcurrentCalls</c> at once, so a slow call never holds up the others.
/// </summary>
internal sealed class SubscriptionDelivery(
    OutboundSubscription subscription,
    IEventStore log,
    IOutboundRecords records,
    Func<OutboundSubscription, CallDelivery> callDelivery,
    OutboundOptions options,
    TimeProvider clock)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // Under load every commit touches calls: passes (one query of the calls' progress each) are
    // spaced by this much, so their cost does not grow with the ingest rate.
    private static readonly TimeSpan MinPassInterval = TimeSpan.FromMilliseconds(25);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, byte> _touched = new(StringComparer.Ordinal);

    /// <summary>The subscription as this delivery runs it.</summary>
    public OutboundSubscription Subscription => subscription;

    /// <summary>A call has new events: look at it now.</summary>
    public void Touch(string callId)
    {
        if (subscription.CallId is null || subscription.CallId == callId)
        {
            _touched[callId] = 0;
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>Runs until cancelled (a new revision, the lease lost, the host stopping).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cursors = (await records.CursorsAsync(subscription.Id, cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.CallId, StringComparer.Ordinal);
        var mark = subscription.CallsMark;
        if (subscription.CallId is { } only && !cursors.ContainsKey(only))
        {
            await records.TrackAsync(subscription.Id, [only], mark, cancellationToken).ConfigureAwait(false);
            cursors[only] = new OutboundCursor(subscription.Id, only, 0, false, null, null, false, clock.GetUtcNow());
        }

        var running = new Dictionary<string, Task<OutboundCursor?>>(StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var (callId, task) in running.Where(r => r.Value.IsCompleted).ToList())
                {
                    running.Remove(callId);
                    if (task.IsCompletedSuccessfully && task.Result is { } updated)
                    {
                        cursors[callId] = updated;
                    }
                    else if (task.IsCompletedSuccessfully)
                    {
                        // Moved by someone else (a replay): the new revision restarts this delivery.
                        cursors[callId] = (await records.CursorsAsync(subscription.Id, cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.CallId == callId) ?? cursors[callId];
                    }
                    else if (task.IsFaulted)
                    {
                        throw task.Exception!.InnerException!;
                    }
                }

                var follow = TimeSpan.FromMinutes(options.FollowEndedCallsMinutes);
                var now = clock.GetUtcNow();
                var watched = cursors.Values.Where(c => !c.DeadLettered && (!c.Ended || now - c.UpdatedAt < follow)).Select(c => c.CallId).ToHashSet(StringComparer.Ordinal);
                foreach (var callId in _touched.Keys)
                {
                    _touched.TryRemove(callId, out _);
                    watched.Add(callId);
                }

                var progress = await log.CallProgressAsync(subscription.CallId is null ? mark : long.MaxValue, watched, cancellationToken).ConfigureAwait(false);
                var found = progress.Where(p => !cursors.ContainsKey(p.CallId) && (subscription.CallId is null || subscription.CallId == p.CallId)).ToList();
                if (found.Count > 0)
                {
                    var newMark = Math.Max(mark, found.Max(p => p.Mark));
                    await records.TrackAsync(subscription.Id, found.Select(p => p.CallId).ToList(), newMark, cancellationToken).ConfigureAwait(false);
                    foreach (var p in found)
                    {
                        cursors[p.CallId] = new OutboundCursor(subscription.Id, p.CallId, 0, false, null, null, false, now);
                    }

                    mark = newMark;
                }

                foreach (var p in progress)
                {
                    if (running.Count >= options.ConcurrentCalls)
                    {
                        // The rest waits for a slot; the next pass finds it again.
                        _wake.Writer.TryWrite(true);
                        break;
                    }

                    if (cursors.TryGetValue(p.CallId, out var cursor) && !cursor.DeadLettered && p.LastSeq > cursor.DeliveredSeq && !running.ContainsKey(p.CallId))
                    {
                        var delivery = callDelivery(subscription);
                        running[p.CallId] = Task.Run(() => delivery.RunAsync(cursor, stop.Token), CancellationToken.None);
                    }
                }

                await WaitAsync(running.Values, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(running.Values).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task WaitAsync(IEnumerable<Task> running, CancellationToken cancellationToken)
    {
        await Task.Delay(MinPassInterval, clock, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PollInterval);
        var wake = _wake.Reader.WaitToReadAsync(timeout.Token).AsTask();
        await Task.WhenAny([wake, .. running]).ConfigureAwait(false);
        _wake.Reader.TryRead(out _);
        await timeout.CancelAsync().ConfigureAwait(false);
        try
        {
            await wake.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
