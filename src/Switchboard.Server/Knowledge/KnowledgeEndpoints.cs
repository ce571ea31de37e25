using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Knowledge;

/// <summary>The knowledge base: review by supervisors, search by agents and supervisors.</summary>
public static class KnowledgeEndpoints
{
    /// <summary>Registers the knowledge base.</summary>
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KnowledgeBase>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/kb…</c>.</summary>
    public static IEndpointRouteBuilder MapKnowledge(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/kb/search", Search).RequireAuthorization(IdentityExtensions.KnowledgeSearchPolicy).WithTags("Knowledge base")
            .WithSummary("Full-text search of approved entries with BM25 scores (agents and supervisors).");
        var group = app.MapGroup("/api/v1/kb").RequireAuthorization(IdentityExtensions.SupervisorPolicy).WithTags("Knowledge base");
        group.MapGet("/", List).WithSummary("Entries by status (pending by default).");
        group.MapPost("/", Create).WithSummary("Write an entry; it is approved at once.");
        group.MapGet("/{id:long}", (long id, KnowledgeBase kb) => kb.Get(id) is { } e ? Found(e) : Missing(id)).WithSummary("One entry.");
        group.MapPut("/{id:long}", Edit).WithSummary("Edit question, answer or topic.");
        group.MapPost("/{id:long}/approve", (long id, HttpContext http, KnowledgeBase kb, AuditLog audit) =>
            Review(id, "kb.approve", http, audit, by => kb.Approve(id, by))).WithSummary("Approve: the entry becomes searchable.");
        group.MapPost("/{id:long}/reject", (long id, HttpContext http, KnowledgeBase kb, AuditLog audit) =>
            Review(id, "kb.reject", http, audit, by => kb.Reject(id, by))).WithSummary("Reject: kept, never searched.");
        group.MapPost("/{id:long}/merge", (long id, MergeRequest body, HttpContext http, KnowledgeBase kb, AuditLog audit) =>
            Review(id, "kb.merge", http, audit, by => kb.Merge(id, body.Into, by))).WithSummary("Merge this entry into another.");
        return app;
    }

    private static Results<Ok<IReadOnlyList<KbSearchHit>>, ProblemHttpResult> Search(KnowledgeBase kb, string? q, string? topic, int limit = 5)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > Limits.MediumText || limit is < 1 or > 50)
        {
            return Invalid($"'q' is required (at most {Limits.MediumText} characters) and 'limit' must be between 1 and 50.");
        }

        return TypedResults.Ok(kb.Search(q, topic?.ToLowerInvariant(), limit));
    }

    private static Results<Ok<IReadOnlyList<KbEntry>>, ProblemHttpResult> List(KnowledgeBase kb, string? status = KbStatus.Pending, int limit = 100)
    {
        if (status is not (KbStatus.Pending or KbStatus.Approved or KbStatus.Rejected or KbStatus.Merged or "all") || limit is < 1 or > 1000)
        {
            return Invalid("'status' must be pending, approved, rejected, merged or all, and 'limit' between 1 and 1000.");
        }

        return TypedResults.Ok(kb.List(status == "all" ? null : status, limit));
    }

    private static Results<Created<KbEntry>, ProblemHttpResult> Create(KbEntryRequest body, HttpContext http, KnowledgeBase kb, AuditLog audit)
    {
        if (TextProblem(body, requireAll: true) is { } problem)
        {
            return problem;
        }

        var actor = Actor.From(http);
        var entry = kb.Create(body.Question!, body.Answer!, body.Topic?.ToLowerInvariant(), actor.Name);
        audit.Record(actor, "kb.create", "ok", entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.Created($"/api/v1/kb/{entry.Id}", entry);
    }

    private static Results<Ok<KbEntry>, ProblemHttpResult> Edit(long id, KbEntryRequest body, HttpContext http, KnowledgeBase kb, AuditLog audit)
    {
        if (TextProblem(body, requireAll: false) is { } problem)
        {
            return problem;
        }

        return Review(id, "kb.edit", http, audit, by => kb.Edit(id, body.Question, body.Answer, body.Topic?.ToLowerInvariant(), by));
    }

    private static Results<Ok<KbEntry>, ProblemHttpResult> Review(long id, string action, HttpContext http, AuditLog audit, Func<string, KbEntry?> change)
    {
        var actor = Actor.From(http);
        try
        {
            var entry = change(actor.Name);
            audit.Record(actor, action, entry is null ? "invalid" : "ok", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return entry is null ? Missing(id) : TypedResults.Ok(entry);
        }
        catch (KbReviewConflictException ex)
        {
            audit.Record(actor, action, "conflict", id.ToString(System.Globalization.CultureInfo.InvariantCulture), detail: new { problem = ex.Message });
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
