using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Knowledge;

/// <summary>The knowledge base: review by supervisors, search by agents and supervisors.</summary>
public static class KnowledgeEndpoints
{
    /// <summary>Registers the knowledge base.</summary>
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        builder.AddStore<IKnowledgeRecords, SqliteKnowledgeRecords, PostgresKnowledgeRecords>();

        builder.Services.AddSingleton<KnowledgeBase>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/kb…</c>.</summary>
    public static IEndpointRouteBuilder MapKnowledge(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/kb/search", SearchAsync).RequireAuthorization(IdentityExtensions.KnowledgeSearchPolicy).WithTags("Knowledge base")
            .WithSummary("Full-text search of approved entries, best first, with relevance scores (agents and supervisors).");
        var group = app.MapGroup("/api/v1/kb").RequireAuthorization(IdentityExtensions.SupervisorPolicy).WithTags("Knowledge base");
        group.MapGet("/", ListAsync).WithSummary("Entries by status (pending by default).");
        group.MapPost("/", CreateAsync).WithSummary("Write an entry; it is approved at once.");
        group.MapGet("/{id:long}", async (long id, KnowledgeBase kb, CancellationToken ct) => await kb.GetAsync(id, ct) is { } e ? Found(e) : Missing(id)).WithSummary("One entry.");
        group.MapPut("/{id:long}", EditAsync).WithSummary("Edit question, answer or topic.");
        group.MapPost("/{id:long}/approve", (long id, HttpContext http, KnowledgeBase kb, AuditLog audit, CancellationToken ct) =>
            ReviewAsync(id, "kb.approve", http, audit, by => kb.ApproveAsync(id, by, ct))).WithSummary("Approve: the entry becomes searchable.");
        group.MapPost("/{id:long}/reject", (long id, HttpContext http, KnowledgeBase kb, AuditLog audit, CancellationToken ct) =>
            ReviewAsync(id, "kb.reject", http, audit, by => kb.RejectAsync(id, by, ct))).WithSummary("Reject: kept, never searched.");
        group.MapPost("/{id:long}/merge", (long id, MergeRequest body, HttpContext http, KnowledgeBase kb, AuditLog audit, CancellationToken ct) =>
            ReviewAsync(id, "kb.merge", http, audit, by => kb.MergeAsync(id, body.Into, by, ct))).WithSummary("Merge this entry into another.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<KbSearchHit>>, ProblemHttpResult>> SearchAsync(KnowledgeBase kb, string? q, string? topic, CancellationToken ct, int limit = 5)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > Limits.MediumText || limit is < 1 or > 50)
        {
            return Invalid($"'q' is required (at most {Limits.MediumText} characters) and 'limit' must be between 1 and 50.");
        }

        return TypedResults.Ok(await kb.SearchAsync(q, topic?.ToLowerInvariant(), limit, ct));
    }

    private static async Task<Results<Ok<IReadOnlyList<KbEntry>>, ProblemHttpResult>> ListAsync(KnowledgeBase kb, CancellationToken ct, string? status = KbStatus.Pending, int limit = 100)
    {
        if (status is not (KbStatus.Pending or KbStatus.Approved or KbStatus.Rejected or KbStatus.Merged or "all") || limit is < 1 or > 1000)
        {
            return Invalid("'status' must be pending, approved, rejected, merged or all, and 'limit' between 1 and 1000.");
        }

        return TypedResults.Ok(await kb.ListAsync(status == "all" ? null : status, limit, ct));
    }

    private static async Task<Results<Created<KbEntry>, ProblemHttpResult>> CreateAsync(KbEntryRequest body, HttpContext http, KnowledgeBase kb, AuditLog audit, CancellationToken ct)
    {
        if (TextProblem(body, requireAll: true) is { } problem)
        {
            return problem;
        }

        var actor = Actor.From(http);
        var entry = await kb.CreateAsync(body.Question!, body.Answer!, body.Topic?.ToLowerInvariant(), actor.Name, ct);
        await audit.RecordAsync(actor, "kb.create", "ok", entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.Created($"/api/v1/kb/{entry.Id}", entry);
    }

    private static async Task<Results<Ok<KbEntry>, ProblemHttpResult>> EditAsync(long id, KbEntryRequest body, HttpContext http, KnowledgeBase kb, AuditLog audit, CancellationToken ct)
    {
        if (TextProblem(body, requireAll: false) is { } problem)
        {
            return problem;
        }

        return await ReviewAsync(id, "kb.edit", http, audit, by => kb.EditAsync(id, body.Question, body.Answer, body.Topic?.ToLowerInvariant(), by, ct));
    }

    private static async Task<Results<Ok<KbEntry>, ProblemHttpResult>> ReviewAsync(long id, string action, HttpContext http, AuditLog audit, Func<string, Task<KbEntry?>> change)
    {
        var actor = Actor.From(http);
        try
        {
            var entry = await change(actor.Name);
            await audit.RecordAsync(actor, action, entry is null ? "invalid" : "ok", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return entry is null ? Missing(id) : TypedResults.Ok(entry);
        }
        catch (KbReviewConflictException ex)
        {
            await audit.RecordAsync(actor, action, "conflict", id.ToString(System.Globalization.CultureInfo.InvariantCulture), detail: new { problem = ex.Message });
            return TypedResults.Problem(title: "Not possible", detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static ProblemHttpResult? TextProblem(KbEntryRequest body, bool requireAll)
    {
        bool Bad(string? s, int max) => (requireAll && string.IsNullOrWhiteSpace(s)) || (s is not null && (s.Trim().Length == 0 || s.Length > max));
        return Bad(body.Question, Limits.MediumText) || Bad(body.Answer, Limits.LongText) || (body.Topic is { Length: > 64 })
            ? Invalid($"'question' (up to {Limits.MediumText} characters) and 'answer' (up to {Limits.LongText}) must not be empty; 'topic' has at most 64.")
            : null;
    }

    private static Results<Ok<KbEntry>, ProblemHttpResult> Found(KbEntry entry) => TypedResults.Ok(entry);

    private static Results<Ok<KbEntry>, ProblemHttpResult> Missing(long id) =>
        TypedResults.Problem(title: "No such entry", detail: $"The knowledge base has no entry {id}.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(title: "Invalid request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>Body of creating or editing an entry.</summary>
public sealed record KbEntryRequest(string? Question, string? Answer, string? Topic);

/// <summary>Body of <c>POST /api/v1/kb/{id}/merge</c>.</summary>
public sealed record MergeRequest(long Into);
