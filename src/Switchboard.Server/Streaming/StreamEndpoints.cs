using System.Globalization;
using Microsoft.Extensions.Options;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Operations;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Streaming;

/// <summary>The live streams: one call's events, and the wallboard.</summary>
public static class StreamEndpoints
{
    private const int HistoryPage = 1000;

    /// <summary>Registers the hub and streaming options.</summary>
    public static IHostApplicationBuilder AddStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StreamingOptions>().BindConfiguration(StreamingOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.WallboardMinSendIntervalMilliseconds <= o.WallboardMaxSendIntervalMilliseconds, "Streaming:WallboardMinSendIntervalMilliseconds must not be more than Streaming:WallboardMaxSendIntervalMilliseconds.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EventHub>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/calls/{id}/stream</c> and <c>/api/v1/wallboard/stream</c>.</summary>
    public static IEndpointRouteBuilder MapStreaming(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").RequireAuthorization(IdentityExtensions.ViewerPolicy).WithTags("Streams");
        group.MapGet("/calls/{id}/stream", CallStreamAsync)
            .WithSummary("SSE: the call's history, then live events; id = seq; resumes with Last-Event-ID.");
        group.MapGet("/wallboard/stream", WallboardStreamAsync)
            .WithSummary("SSE: a snapshot of active calls, then coalesced per-call changes.");
        return app;
    }

    private static async Task CallStreamAsync(
        string id,
        HttpContext context,
        IEventStore store,
        EventHub hub,
        Redactor redaction,
        IOptions<StreamingOptions> options,
        CancellationToken cancellationToken)
    {
        if (!TryReadResumePoint(context.Request, out var last))
        {
            await TypedResults.Problem(
                title: "Invalid resume point",
                detail: "Last-Event-ID and 'after' must be a non-negative whole number: the seq of the last event you received.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        // Subscribe before reading history, so nothing committed in between is missed; what is
        // seen twice is dropped by seq.
        using var subscription = hub.SubscribeCall(id, options.Value.CallBufferCapacity);
        var mask = redaction.For(context.User);
        var sse = new SseWriter(context.Response);
        sse.WriteRetry(1000);
        last = await WriteHistoryAsync(sse, store, mask, id, last, long.MaxValue, cancellationToken);
        sse.Write("caught-up", new { seq = last });
        await sse.FlushAsync(cancellationToken);

        using var heartbeat = new SseHeartbeat(sse, TimeSpan.FromSeconds(options.Value.HeartbeatSeconds));
        var reader = subscription.Reader;
        try
        {
            while (await heartbeat.WaitAsync(reader.WaitToReadAsync(cancellationToken), cancellationToken))
            {
                while (reader.TryRead(out var e))
                {
                    if (e.IsEphemeral)
                    {
                        sse.WriteEvent(mask.LiveEvent(e));
                        Delivered(e);
                    }
                    else if (e.Seq > last)
                    {
                        if (e.Seq > last + 1)
                        {
                            last = await WriteHistoryAsync(sse, store, mask, id, last, e.Seq - 1, cancellationToken);
                        }

                        sse.WriteEvent(mask.LiveEvent(e));
                        Delivered(e);
                        last = e.Seq;
                    }
                }

                await sse.FlushAsync(cancellationToken);
            }

            if (subscription.Overflowed)
            {
                sse.Write("resume", new
                {
                    after = last,
                    reason = "This stream fell too far behind and was closed. Reconnect with Last-Event-ID set to 'after' to continue without a gap.",
                });
                await sse.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: a normal end of a stream.
        }
    }

    /// <summary>Records how long the event took from its receipt to this stream (a live event only, not history).</summary>
    private static void Delivered(Contracts.Events.StoredEvent e)
    {
        if (SwitchboardMetrics.DeliveryDuration.Enabled)
        {
            SwitchboardMetrics.DeliveryDuration.Record(Math.Max(0, (DateTimeOffset.UtcNow - e.ReceivedAt).TotalSeconds));
        }

        // An event sent from within an agent's span is delivered in the agent's trace.
        if (e.Traceparent is { } trace && SwitchboardTracing.Source.HasListeners()
            && System.Diagnostics.ActivityContext.TryParse(trace, null, out var parent))
        {
            using var span = SwitchboardTracing.Source.StartActivity("deliver", System.Diagnostics.ActivityKind.Producer, parent);
            span?.SetTag(SwitchboardTracing.CallIdTag, e.CallId);
            span?.SetTag("switchboard.seq", e.Seq);
            span?.SetTag("switchboard.event_type", e.Type);
        }
    }

    private static async Task<long> WriteHistoryAsync(
        SseWriter sse, IEventStore store, DisplayMask mask, string callId, long after, long upTo, CancellationToken cancellationToken)
    {
        while (after < upTo)
        {
            var page = await store.ReadAsync(callId, after, HistoryPage, cancellationToken);
            foreach (var e in page)
            {
                if (e.Seq > upTo)
                {
                    return after;
                }

                sse.WriteEvent(mask.Event(e));
                after = e.Seq;
            }

            await sse.FlushAsync(cancellationToken);
            if (page.Count < HistoryPage)
            {
                break;
            }
        }

        return after;
    }

    private static bool TryReadResumePoint(HttpRequest request, out long after)
    {
        string? raw = request.Headers["Last-Event-ID"];
        if (string.IsNullOrEmpty(raw))
        {
            raw = request.Query["after"];
        }

        after = 0;
        return string.IsNullOrEmpty(raw) || (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out after) && after >= 0);
    }

    private static async Task WallboardStreamAsync(
        HttpContext context,
        WallboardFeed feed,
        Redactor redaction,
        IOptions<StreamingOptions> options,
        CancellationToken cancellationToken)
    {
        // The feed builds every update once for all wallboards; this connection only writes its bytes.
        using var subscriber = feed.Subscribe(redaction.For(context.User));
        var sse = new SseWriter(context.Response);
        await sse.FlushAsync(cancellationToken);
        using var heartbeat = new SseHeartbeat(sse, TimeSpan.FromSeconds(options.Value.HeartbeatSeconds));
        var chunks = subscriber.Chunks;
        try
        {
            while (await heartbeat.WaitAsync(chunks.WaitToReadAsync(cancellationToken), cancellationToken))
            {
                while (chunks.TryRead(out var chunk))
                {
                    sse.WriteRaw(chunk.Span);
                }

                await sse.FlushAsync(cancellationToken);
            }

            if (subscriber.Overflowed)
            {
                sse.Write("resume", new { reason = "This wallboard fell too far behind and was closed. Reconnect for a fresh snapshot." });
                await sse.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
