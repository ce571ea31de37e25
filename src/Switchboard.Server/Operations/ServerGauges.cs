using System.Diagnostics.Metrics;
using Switchboard.Server.Calls;
using Switchboard.Server.Escalations;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Operations;

/// <summary>
/// What the server's figures are at the moment of a scrape or an export (meter
/// <c>Switchboard.Server</c>, created per host): active calls, what the store committed, queue
/// depths, subscribers and the live views' work. Read only when an exporter collects.
/// </summary>
public sealed class ServerGauges : IDisposable
{
    private readonly Meter _meter;

    /// <summary>Creates the instruments; they read the services passed in on every collection.</summary>
    public ServerGauges(IMeterFactory meters, IServiceProvider services)
    {
        _meter = meters.Create(SwitchboardMetrics.MeterName);
        var store = services.GetRequiredService<IStoreStatistics>();
        var live = services.GetRequiredService<LiveCalls>();
        var hub = services.GetRequiredService<EventHub>();
        var wallboard = services.GetRequiredService<WallboardFeed>();
        var help = services.GetRequiredService<HelpQueue>();

        _meter.CreateObservableGauge("switchboard.active_calls", () => live.Count, "{call}", "Active calls (every node follows every call: take the max across nodes).");
        _meter.CreateObservableCounter("switchboard.events.committed", () => store.CommittedEvents, "{event}", "Durable events committed by this node since start.");
        _meter.CreateObservableCounter("switchboard.commits", () => store.Commits, "{commit}", "Store transactions committed by this node since start.");
        _meter.CreateObservableGauge("switchboard.store.queue_length", () => store.QueueLength, "{request}", "Append requests waiting for the writer.");
        _meter.CreateObservableCounter("switchboard.log.notifications", () => store.Notifications, "{notification}", "Notifications of other nodes' commits received.");
        _meter.CreateObservableCounter("switchboard.log.notification", () => store.NotificationBytes, "By", "Bytes of the payloads of those notifications.");
        _meter.CreateObservableCounter("switchboard.log.followed_events", () => store.FollowedEvents, "{event}", "Events read back from the log to follow other nodes' commits.");
        _meter.CreateObservableGauge("switchboard.stream_subscribers", () => hub.Count, "{subscriber}", "Live call-stream and analyzer subscriptions.");
        _meter.CreateObservableGauge("switchboard.wallboard_subscribers", () => wallboard.Count, "{subscriber}", "Connected wallboards.");
        _meter.CreateObservableCounter("switchboard.wallboard.updates", () => wallboard.UpdatesBuilt, "{update}", "Wallboard updates built (each one sent to every wallboard).");
        _meter.CreateObservableCounter("switchboard.wallboard.update", () => wallboard.BytesBuilt, "By", "Bytes of the wallboard updates built (each one sent to every wallboard).");
        _meter.CreateObservableCounter("switchboard.wallboard.call_updates", () => wallboard.CallUpdatesBuilt, "{change}", "Per-call changes in the wallboard updates built.");
        _meter.CreateObservableGauge("switchboard.help_queue.depth", () => help.PendingCount, "{request}", "Escalations waiting for a supervisor's answer (callers on hold).");
        if (services.GetService<Insights.SentimentAnalyzer>() is { } analyzer)
        {
            _meter.CreateObservableCounter("switchboard.sentiment.scored", () => analyzer.Scored, "{line}", "Customer lines scored and stored since start.");
            _meter.CreateObservableCounter("switchboard.analyzer.catch_ups", () => analyzer.CatchUps, "{catch_up}", "Times the analyzer fell behind its buffer and read what it missed from the log.");
        }

        if (services.GetService<Outbound.OutboundCounters>() is { } outbound)
        {
            _meter.CreateObservableCounter(
                "switchboard.outbound.attempts",
                () => new[] { new Measurement<long>(outbound.DeliveredCount, new KeyValuePair<string, object?>("outcome", "delivered")), new Measurement<long>(outbound.FailedCount, new KeyValuePair<string, object?>("outcome", "failed")) },
                "{attempt}",
                "Outbound webhook attempts by outcome: delivered (the receiver answered 2xx) or failed (status, timeout, connection).");
            _meter.CreateObservableCounter("switchboard.outbound.dead_letters", () => outbound.DeadLetteredCount, "{call}", "Calls whose outbound delivery was dead-lettered (retries ran out); a replay resumes them.");
        }

        // The runtime's own meter gives collections, pauses and allocations; the heap in use now
        // (not as of the last collection) is what memory benchmarks read after ?gc=true.
        // The provider listens from here on, so the counters' first samples reach it.
        services.GetService<OpenTelemetry.Metrics.MeterProvider>();
        SwitchboardMetrics.Start();
        _meter.CreateObservableGauge("switchboard.managed_heap", () => GC.GetTotalMemory(forceFullCollection: false), "By", "Bytes in use on the managed heap.");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
