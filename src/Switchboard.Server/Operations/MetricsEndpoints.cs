using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Operations;

/// <summary><c>GET /metrics</c>: process and pipeline figures in the Prometheus text format.</summary>
public static class MetricsEndpoints
{
    /// <summary>Maps the metrics endpoint: read access (a viewer key, or any signed-in user) unless <see cref="OperationsOptions.AnonymousMetrics"/>.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var endpoint = app.MapGet("/metrics", Render).WithTags("Operations").ExcludeFromDescription();
        if (app.ServiceProvider.GetRequiredService<IOptions<OperationsOptions>>().Value.AnonymousMetrics)
        {
            endpoint.AllowAnonymous();
        }
        else
        {
            endpoint.RequireAuthorization(IdentityExtensions.ViewerPolicy);
        }

        return app;
    }

    private static IResult Render(
        IStoreStatistics store,
        LiveCalls live,
        EventHub hub,
        WallboardFeed wallboard,
        IServiceProvider services,
        IOptions<OperationsOptions> options,
        bool gc = false)
    {
        if (gc && options.Value.AllowGcOnMetrics)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        var text = new StringBuilder();
        Gauge(text, "switchboard_active_calls", "Active calls.", live.Count);
        Counter(text, "switchboard_events_committed_total", "Durable events committed since start.", store.CommittedEvents);
        Counter(text, "switchboard_commits_total", "Store transactions committed since start.", store.Commits);
        Gauge(text, "switchboard_store_queue_length", "Append requests waiting for the writer.", store.QueueLength);
        Counter(text, "switchboard_log_notifications_total", "Notifications of other nodes' commits received.", store.Notifications);
        Counter(text, "switchboard_log_notification_bytes_total", "Bytes of the payloads of those notifications.", store.NotificationBytes);
        Counter(text, "switchboard_log_followed_events_total", "Events read back from the log to follow other nodes' commits.", store.FollowedEvents);
        Gauge(text, "switchboard_stream_subscribers", "Live call-stream and analyzer subscriptions.", hub.Count);
        Gauge(text, "switchboard_wallboard_subscribers", "Connected wallboards.", wallboard.Count);
        Counter(text, "switchboard_wallboard_updates_total", "Wallboard updates built (each one sent to every wallboard).", wallboard.UpdatesBuilt);
        Counter(text, "switchboard_wallboard_update_bytes_total", "Bytes of the wallboard updates built (each one sent to every wallboard).", wallboard.BytesBuilt);
        Counter(text, "switchboard_wallboard_call_updates_total", "Per-call changes in the wallboard updates built.", wallboard.CallUpdatesBuilt);
        if (services.GetService<Insights.SentimentAnalyzer>() is { } analyzer)
        {
            Counter(text, "switchboard_sentiment_scored_total", "Customer lines scored and stored since start.", analyzer.Scored);
            Counter(text, "switchboard_analyzer_catch_ups_total", "Times the analyzer fell behind its buffer and read what it missed from the log.", analyzer.CatchUps);
        }

        Gauge(text, "dotnet_gc_heap_bytes", "Bytes in use on the managed heap.", GC.GetTotalMemory(forceFullCollection: false));
        Gauge(text, "process_working_set_bytes", "Resident memory of the process.", Environment.WorkingSet);
        Counter(text, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start.", GC.GetTotalAllocatedBytes());
        Counter(text, "dotnet_gc_pause_seconds_total", "Time the runtime paused threads for garbage collection.", GC.GetTotalPauseDuration().TotalSeconds);
        Counter(text, "dotnet_gc_collections_gen0_total", "Garbage collections of generation 0 (including older generations).", GC.CollectionCount(0));
        Counter(text, "dotnet_gc_collections_gen1_total", "Garbage collections of generation 1 (including generation 2).", GC.CollectionCount(1));
        Counter(text, "dotnet_gc_collections_gen2_total", "Garbage collections of generation 2.", GC.CollectionCount(2));
        Gauge(text, "dotnet_threadpool_queue_length", "Work items waiting for a thread-pool thread.", ThreadPool.PendingWorkItemCount);
        Gauge(text, "dotnet_threadpool_threads", "Thread-pool threads.", ThreadPool.ThreadCount);
        return Results.Text(text.ToString(), "text/plain; version=0.0.4", Encoding.UTF8);
    }

    private static void Gauge(StringBuilder text, string name, string help, double value) => Write(text, name, help, "gauge", value);

    private static void Counter(StringBuilder text, string name, string help, double value) => Write(text, name, help, "counter", value);

    private static void Write(StringBuilder text, string name, string help, string type, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
}
