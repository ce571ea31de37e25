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
        builder.Services.AddSingleton<LiveCalls>();
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

    private static async Task<Results<Ok<CallList>, ProblemHttpResult>> ListAsync(
        HttpContext http, LiveCalls live, IEventStore store, Redactor redaction, CancellationToken cancellationToken, string? status = "active", int limit = 200)
    {
        if (limit is < 1 or > 1000)
        {
            return TypedResults.Problem(detail: "'limit' must be between 1 and 1000.", statusCode: 400, title: "Invalid query");
        }

        switch (status)
        {
            case null or "active":
                var mask = redaction.For(http.User);
                var active = live.Active.Select(s => WallboardSummary.From(s).Masked(mask)).ByAttention().Take(limit).ToList();
                return TypedResults.Ok(new CallList(active, null));
            case "ended" or "all":
                var stored = await store.ListCallsAsync(new CallQuery(status == "all" ? null : status, limit), cancellationToken);
                return TypedResults.Ok(new CallList(null, stored));
            default:
                return TypedResults.Problem(detail: "'status' must be active, ended or all.", statusCode: 400, title: "Invalid query");
        }
    }

    private static async Task<Results<Ok<CallState>, ProblemHttpResult>> GetAsync(
        string id, HttpContext http, LiveCalls live, IEventStore store, Redactor redaction, CancellationToken cancellationToken)
    {
        var mask = redaction.For(http.User);
        if (live.Find(id) is { } state)
        {
            return TypedResults.Ok(state.Masked(mask));
        }

        CallState? folded = null;
        long after = 0;
        IReadOnlyList<StoredEvent> page;
        do
        {
            page = await store.ReadAsync(id, after, 5000, cancellationToken);
            foreach (var e in page)
            {
                folded = CallProjection.Apply(folded, e);
            }

            after = page.Count > 0 ? page[^1].Seq : after;
        }
        while (page.Count == 5000);

        return folded is null ? NotFound(id) : TypedResults.Ok(folded.Masked(mask));
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

/// <summary>Answer of <c>GET /api/v1/calls</c>: live summaries (active) or stored outlines (ended/all).</summary>
public sealed record CallList(IReadOnlyList<WallboardSummary>? Calls, IReadOnlyList<CallRecord>? Stored);

/// <summary>A page of a call's events; <see cref="Next"/> is the <c>after</c> of the next page, if there may be one.</summary>
public sealed record EventPage(string CallId, IReadOnlyList<StoredEvent> Events, long? Next);
