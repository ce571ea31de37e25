using Switchboard.Server.Calls;
using Switchboard.Server.Redaction;

namespace Switchboard.Server.Streaming;

/// <summary>
/// Sends a wallboard connection's changes: at most one update per call per coalescing window,
/// always the latest state; a call that just changed after a quiet spell goes out at once.
/// </summary>
internal sealed class WallboardSender(SseWriter sse, WallboardSubscriber subscriber, DisplayMask mask, TimeProvider clock, TimeSpan window)
{
    private readonly Dictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);

    public async Task RunAsync(TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        using var heartbeats = new SseHeartbeat(sse, heartbeat);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await heartbeats.WaitAsync(subscriber.WaitAsync(cancellationToken), cancellationToken))
            {
                return;
            }

            subscriber.ResetSignal();
            TimeSpan? nextDue;
            while ((nextDue = await SendDueAsync(cancellationToken)) is { } delay)
            {
                await Task.Delay(delay, clock, cancellationToken);
            }
        }
    }

    /// <summary>Sends every due change; returns how long until the next one is due, or null.</summary>
    private async Task<TimeSpan?> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        TimeSpan? next = null;
        var sent = false;
        foreach (var callId in subscriber.PendingCalls)
        {
            var due = _lastSent.TryGetValue(callId, out var at) ? at + window : now;
            if (due > now)
            {
                var wait = due - now;
                next = next is null || wait < next ? wait : next;
                continue;
            }

            if (subscriber.TryTake(callId, out var state))
            {
                var summary = WallboardSummary.From(state).Masked(mask);
                sse.Write(state.Status == "ended" ? "call-ended" : "call", summary);
                _lastSent[callId] = now;
                sent = true;
            }
        }

        if (sent)
        {
            await sse.FlushAsync(cancellationToken);
        }

        if (_lastSent.Count > 4096)
        {
            foreach (var stale in _lastSent.Where(p => now - p.Value > window).Select(p => p.Key).ToList())
            {
                _lastSent.Remove(stale);
            }
        }

        return next;
    }
}
