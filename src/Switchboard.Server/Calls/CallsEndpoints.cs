using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Calls;

/// <summary>Read API of calls: the active list, one call's state, and its event history.</summary>
public static class CallsEndpoints
{
    /// <summary>Registers the projections, the rebuild at start-up and the lost-agent guard.</summary>
    public static IHostApplicationBuilder AddCalls(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CallsOptions>().BindConfiguration(CallsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WallboardFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WallboardFeed>());
        builder.Services.AddSingleton<LiveCalls>();
        builder.Services.AddSingleton<CallSnapshotStore>();
        builder.Services.AddSingleton<EndedCalls>();
        builder.Services.AddHostedService<CallSnapshotWriter>();
        builder.Services.AddSingleton<ICommitSink>(sp => sp.GetRequiredService<LiveCalls>());
        builder.Services.AddHostedService<CallStateRebuilder>();
        builder.Services.AddHostedService<LostAgentGuard>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/calls…</c>.</summary>
    public static IEndpointRouteBuilder MapCalls(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/calls").RequireAuthorization(IdentityExtensions.ViewerPolicy).WithTags("Calls");
        group.MapGet("/", ListAsync).WithSummary("Active calls with their wallboard summary, or stored calls by status.");
        group.MapGet("/{id}", GetAsync).WithSummary("The call's current state.");
        group.MapGet("/{id}/events", EventsAsync).WithSummary("A page of the call's events after a seq.");
        return app;
    }

    private static async Task<Results<Ok<CallList>, FileContentHttpResult, ProblemHttpResult>> ListAsync(
        HttpContext http,
        LiveCalls live,
        IEventStore store,
        Archive.ICallArchive archive,
        Redactor redaction,
        Microsoft.Extensions.Options.IOptions<Archive.ScorecardOptions> scorecards,
        [AsParameters] Archive.PastCallFilters filters,
        CancellationToken cancellationToken,
        string? status = "active",
        int limit = 200,
        int offset = 0,
        string? before = null)
    {
        if (limit is < 1 or > 1000 || offset < 0)
        {
            return Invalid("'limit' must be between 1 and 1000, and 'offset' 0 or more.");
        }

        if (filters.Any)
        {
            return status == "ended"
                ? await Archive.PastCalls.ListAsync(http, archive, store, redaction, filters, limit, before, cancellationToken)
                : Invalid("Filters and 'q' apply to past calls: add 'status=ended'.");
        }

        switch (status)
        {
            case null or "active":
                // A page of the calls ordered by attention now; the order moves, so for a live view follow the wallboard stream.
                var mask = redaction.For(http.User);
                var all = live.Active.Select(s => WallboardSummary.From(s, scorecards.Value.Budget).Masked(mask)).ByAttention().ToList();
                var page = all.Skip(offset).Take(limit).ToList();
                var nextOffset = offset + page.Count;
                return TypedResults.Ok(new CallList(page, null, all.Count, nextOffset < all.Count ? $"/api/v1/calls?status=active&limit={limit}&offset={nextOffset}" : null));
            case "ended" or "all":
                CallPosition? position = null;
                if (before is not null && !CallCursor.TryRead(before, out position))
                {
                    return Invalid("'before' must be the cursor of a page's 'next' link.");
                }

                var stored = await store.ListCallsAsync(new CallQuery(status == "all" ? null : status, limit, position), cancellationToken);
                var next = stored.Count == limit ? $"/api/v1/calls?status={status}&limit={limit}&before={Uri.EscapeDataString(CallCursor.Write(stored[^1]))}" : null;
                return TypedResults.Ok(new CallList(null, stored, null, next));
            default:
                return Invalid("'status' must be active, ended or all.");
        }
    }

    private static ProblemHttpResult Invalid(string detail) => TypedResults.Problem(detail: detail, statusCode: 400, title: "Invalid query");

    private static async Task<Results<Ok<CallState>, ProblemHttpResult>> GetAsync(
        string id, HttpContext http, LiveCalls live, EndedCalls ended, Redactor redaction, CancellationToken cancellationToken)
    {
        var mask = redaction.For(http.User);
        if (live.Find(id) is { } state)
        {
            return TypedResults.Ok(state.Masked(mask));
        }

        return await ended.GetAsync(id, cancellationToken) is { } stored ? TypedResults.Ok(stored.Masked(mask)) : NotFound(id);
    }

    private static async Task<Results<Ok<EventPage>, ProblemHttpResult>> EventsAsync(
        string id, HttpContext http, IEventStore store, Redactor redaction, CancellationToken cancellationToken, long after = 0, int limit = 500)
    {
        if (after < 0 || limit is < 1 or > 1000)
        {
            return TypedResults.Problem(detail: "'after' must be 0 or more and 'limit' between 1 and 1000.", statusCode: 400, title: "Invalid query");
        }

        var events = await store.ReadAsync(id, after, limit, cancellationToken);
        var mask = redaction.For(http.User);
        var shown = mask.IsNone ? events : [.. events.Select(mask.Event)];
        return TypedResults.Ok(new EventPage(id, shown, events.Count == limit ? events[^1].Seq : null));
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(detail: $"No call with id '{id}' has any events.", statusCode: 404, title: "Call not found");
}

/// <summary>
/// Answer of <c>GET /api/v1/calls</c>: live summaries (active) or stored outlines (ended/all), a
/// page at a time. <see cref="Total"/> counts every active call; <see cref="Next"/> is the address
/// of the next page, or null on the last one.
/// </summary>
/// <param name="Calls">Active calls (status=active).</param>
/// <param name="Stored">Stored outlines from the log (status=ended or all, without filters).</param>
/// <param name="Total">How many active calls.</param>
/// <param name="Next">The next page, or null.</param>
/// <param name="Past">Summaries of past calls matching the filters (status=ended with filters or <c>q</c>).</param>
/// <param name="Hits">With <c>q</c>: per call (the page's first 50), up to three transcript lines that matched, with the matched words marked.</param>
public sealed record CallList(
    IReadOnlyList<WallboardSummary>? Calls,
    IReadOnlyList<CallRecord>? Stored,
    int? Total,
    string? Next,
    IReadOnlyList<Archive.CallSummary>? Past = null,
    IReadOnlyDictionary<string, IReadOnlyList<Archive.TranscriptHit>>? Hits = null);

/// <summary>A page of a call's events; <see cref="Next"/> is the <c>after</c> of the next page, if there may be one.</summary>
public sealed record EventPage(string CallId, IReadOnlyList<StoredEvent> Events, long? Next);
