using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Knowledge;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

namespace Switchboard.Server.Escalations;

/// <summary>The help queue: list, claim, answer, and a live stream of it for supervisors.</summary>
public static class EscalationEndpoints
{
    private const int TranscriptLines = 10;

    /// <summary>Registers the queue and the watcher that feeds it.</summary>
    public static IHostApplicationBuilder AddEscalations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddStore<IHelpRequestRecords, SqliteHelpRequestRecords, PostgresHelpRequestRecords>();
        builder.Services.AddSingleton<HelpQueueFeed>();
        builder.Services.AddSingleton<HelpQueue>();
        builder.Services.AddHostedService<EscalationWatcher>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/escalations…</c>; supervisors and admins only.</summary>
    public static IEndpointRouteBuilder MapEscalations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/escalations").RequireAuthorization(IdentityExtensions.SupervisorPolicy).WithTags("Escalations");
        group.MapGet("/", ListAsync).WithSummary("Pending help requests (or all recent ones), with hold time, transcript and quick responses.");
        group.MapGet("/{id}", GetAsync).WithSummary("One help request.");
        group.MapPost("/{id}/claim", async (string id, HttpContext http, HelpQueue queue, Redactor redaction, CancellationToken ct) =>
            ToHttp(await queue.ClaimAsync(id, Actor.From(http), ct), redaction.For(http.User))).WithSummary("Claim a request; 409 when another supervisor has it.");
        group.MapPost("/{id}/answer", AnswerAsync).WithSummary("Answer; pushed to the agent at once and kept as a pending knowledge-base entry.");
        group.MapGet("/stream", StreamAsync).WithSummary("SSE: the queue now, then every change; routed to you unless ?all=true.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<HelpRequestView>>, ProblemHttpResult>> ListAsync(
        HttpContext http, HelpQueue queue, IHelpRequestRecords store, UserStore users, LiveCalls live, KnowledgeBase kb, IOptions<EscalationOptions> options,
        Redactor redaction, TimeProvider clock, CancellationToken ct, string status = "pending", bool mine = false, int limit = 100)
    {
        if (status is not ("pending" or "all") || limit is < 1 or > 1000)
        {
            return TypedResults.Problem(title: "Invalid query", detail: "'status' must be pending or all, and 'limit' between 1 and 1000.", statusCode: 400);
        }

        var isMine = Mine(http, users);
        var mask = redaction.For(http.User);
        var requests = status == "pending" ? queue.Pending() : await store.ListAsync(pendingOnly: false, limit, ct);
        var views = new List<HelpRequestView>();
        foreach (var r in requests.Where(r => !mine || isMine(r)).Take(limit))
        {
            views.Add(await ViewAsync(r, live, kb, options.Value, clock, mask, ct));
        }

        return TypedResults.Ok<IReadOnlyList<HelpRequestView>>(views);
    }

    private static async Task<Results<Ok<HelpRequestView>, ProblemHttpResult>> GetAsync(
        string id, HttpContext http, IHelpRequestRecords store, LiveCalls live, KnowledgeBase kb, IOptions<EscalationOptions> options, Redactor redaction,
        TimeProvider clock, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } r
            ? TypedResults.Ok(await ViewAsync(r, live, kb, options.Value, clock, redaction.For(http.User), ct))
            : TypedResults.Problem(title: "No such help request", detail: $"No help request has id '{id}'.", statusCode: 404);

    private static async Task<Results<Ok<HelpRequest>, ProblemHttpResult>> AnswerAsync(
        string id, AnswerRequest body, HttpContext http, HelpQueue queue, Redactor redaction, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Answer) || body.Answer.Length > Limits.LongText)
        {
            return TypedResults.Problem(title: "Invalid answer", detail: $"'answer' is required and may have at most {Limits.LongText} characters.", statusCode: 400);
        }

        return ToHttp(await queue.AnswerAsync(id, Actor.From(http), body.Answer.Trim(), cancellationToken), redaction.For(http.User));
    }

    private static async Task StreamAsync(
        HttpContext http, HelpQueue queue, HelpQueueFeed feed, UserStore users, LiveCalls live, KnowledgeBase kb, IOptions<EscalationOptions> options,
        IOptions<StreamingOptions> streaming, Redactor redaction, TimeProvider clock, CancellationToken cancellationToken, bool all = false)
    {
        var isMine = Mine(http, users);
        var mask = redaction.For(http.User);
        bool Shown(HelpRequest r) => all || isMine(r);
        var (reader, handle) = feed.Subscribe();
        using (handle)
        {
            var sse = new SseWriter(http.Response);
            sse.WriteRetry(1000);
            var snapshot = new List<HelpRequestView>();
            foreach (var r in queue.Pending().Where(Shown))
            {
                snapshot.Add(await ViewAsync(r, live, kb, options.Value, clock, mask, cancellationToken));
            }

            sse.Write("snapshot", snapshot);
            await sse.FlushAsync(cancellationToken);
            using var heartbeat = new PeriodicTimer(TimeSpan.FromSeconds(streaming.Value.HeartbeatSeconds));
            try
            {
                var tick = heartbeat.WaitForNextTickAsync(cancellationToken).AsTask();
                while (true)
                {
                    var next = reader.WaitToReadAsync(cancellationToken).AsTask();
                    if (await Task.WhenAny(next, tick) == tick)
                    {
                        sse.WriteHeartbeat();
                        await sse.FlushAsync(cancellationToken);
                        tick = heartbeat.WaitForNextTickAsync(cancellationToken).AsTask();
                    }

                    if (!await next)
                    {
                        sse.Write("resume", new { reason = "This stream fell behind; reconnect to get the queue again." });
                        await sse.FlushAsync(cancellationToken);
                        return;
                    }

                    while (reader.TryRead(out var r))
                    {
                        if (Shown(r) || !HelpRequestStatus.IsPending(r.Status))
                        {
                            sse.Write("request", await ViewAsync(r, live, kb, options.Value, clock, mask, cancellationToken));
                        }
                    }

                    await sse.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>A request is yours when it was routed to you, you claimed it, or its topic is one of your skills (you came online later).</summary>
    private static Func<HelpRequest, bool> Mine(HttpContext http, UserStore users)
    {
        var actor = Actor.From(http);
        var user = users.Find(actor.Id);
        return r => r.RoutedTo.Contains(actor.Name) || r.ClaimedBy == actor.Name || (user is not null && (r.Topic is null || user.HasSkill(r.Topic)));
    }

    private static async Task<HelpRequestView> ViewAsync(HelpRequest r, LiveCalls live, KnowledgeBase kb, EscalationOptions options, TimeProvider clock, DisplayMask mask, CancellationToken ct)
    {
        var transcript = live.Find(r.CallId)?.RecentTranscript ?? [];
        var pending = HelpRequestStatus.IsPending(r.Status);
        return new HelpRequestView(
            r.Masked(mask),
            Math.Round(((r.ClosedAt ?? clock.GetUtcNow()) - r.RequestedAt).TotalSeconds, 1),
            [.. transcript.Skip(Math.Max(0, transcript.Count - TranscriptLines)).Select(l => l.Masked(mask))],
            pending ? await kb.SuggestAsync(r.Question, options.QuickResponses, options.QuickResponseMinMatch, ct) : []);
    }

    private static Results<Ok<HelpRequest>, ProblemHttpResult> ToHttp(QueueOutcome outcome, DisplayMask mask) =>
        outcome.Request is { } r ? TypedResults.Ok(r.Masked(mask)) : TypedResults.Problem(title: outcome.Title, detail: outcome.Detail, statusCode: outcome.Status);
}

/// <summary>Body of <c>POST /api/v1/escalations/{id}/answer</c>.</summary>
public sealed record AnswerRequest(string? Answer);
