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
        var lastStarted = new Dictionary<string, long>(StringComparer.Ordinal);
        var started = 0L;
        var due = new Queue<CallProgress>();
        var needPass = true;
        var lastPass = 0L;
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

                if (needPass && (lastPass == 0 || clock.GetElapsedTime(lastPass) >= MinPassInterval))
                {
                    needPass = false;
                    lastPass = clock.GetTimestamp();
                    mark = await PassAsync(cursors, mark, running, lastStarted, due, cancellationToken).ConfigureAwait(false);
                }

                // A slot that frees is filled at once from what the last pass found due.
                while (running.Count < options.ConcurrentCalls && due.TryDequeue(out var p))
                {
                    var cursor = cursors[p.CallId];
                    if (cursor.DeadLettered || p.LastSeq <= cursor.DeliveredSeq || running.ContainsKey(p.CallId))
                    {
                        continue;
                    }

                    var delivery = callDelivery(subscription);
                    lastStarted[p.CallId] = ++started;
                    running[p.CallId] = Task.Run(() => delivery.RunAsync(cursor, p.LastSeq, stop.Token), CancellationToken.None);
                }

                var wait = needPass ? MinPassInterval - clock.GetElapsedTime(lastPass) : PollInterval;
                if (await WaitAsync(running.Values, wait, watchWake: !needPass, cancellationToken).ConfigureAwait(false) || due.Count == 0)
                {
                    // Woken by new events or the poll, or a call finished with nothing else known to be due: look again.
                    needPass = true;
                }
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

    /// <summary>
    /// One look at the calls' progress: tracks the calls that are new to the subscription and
    /// queues those with events past their cursor, the ones that waited longest first (with more
    /// calls to send than slots, the busiest must not keep the slots while the others starve).
    /// </summary>
    private async Task<long> PassAsync(
        Dictionary<string, OutboundCursor> cursors, long mark, Dictionary<string, Task<OutboundCursor?>> running, Dictionary<string, long> lastStarted, Queue<CallProgress> due, CancellationToken cancellationToken)
    {
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

        foreach (var gone in lastStarted.Keys.Where(k => !watched.Contains(k) && !running.ContainsKey(k)).ToList())
        {
            lastStarted.Remove(gone);
        }

        due.Clear();
        foreach (var p in progress
            .Where(p => cursors.TryGetValue(p.CallId, out var c) && !c.DeadLettered && p.LastSeq > c.DeliveredSeq && !running.ContainsKey(p.CallId))
            .OrderBy(p => lastStarted.GetValueOrDefault(p.CallId)))
        {
            due.Enqueue(p);
        }

        return mark;
    }

    /// <summary>
    /// Waits for a call's delivery to finish, or (when <paramref name="watchWake"/>) for new
    /// events, or for <paramref name="timeout"/>; true unless a delivery finished first.
    /// </summary>
    private async Task<bool> WaitAsync(IEnumerable<Task> running, TimeSpan timeout, bool watchWake, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = watchWake
            ? _wake.Reader.WaitToReadAsync(timer.Token).AsTask()
            : Task.Delay(Timeout.InfiniteTimeSpan, clock, timer.Token);
        var timedOut = timeout > TimeSpan.Zero ? Task.Delay(timeout, clock, timer.Token) : Task.CompletedTask;
        var first = await Task.WhenAny([signal, timedOut, .. running]).ConfigureAwait(false);
        var woke = first == signal || first == timedOut;
        if (first == signal)
        {
            _wake.Reader.TryRead(out _);
        }

        await timer.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(signal, timedOut).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
        return woke;
    }
}
