using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Archive;

/// <summary>The call archive: each ended call's summary, and rebuilding them from the log.</summary>
public static class ArchiveEndpoints
{
    /// <summary>Registers the archive of the configured store and the archiver.</summary>
    public static IHostApplicationBuilder AddArchive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ArchiveOptions>().BindConfiguration(ArchiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ScorecardOptions>().BindConfiguration(ScorecardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ScorecardOptions>, ScorecardOptionsValidator>();
        builder.Services.AddSingleton<ScorecardJudge>();
        builder.AddStore<ICallArchive, SqliteCallArchive, PostgresCallArchive>();

        builder.Services.AddSingleton<CallArchiver>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallArchiver>());
        return builder;
    }

    /// <summary>Maps <c>GET /api/v1/calls/{id}/summary</c> and <c>POST /api/v1/admin/archive/rebuild</c>.</summary>
    public static IEndpointRouteBuilder MapArchive(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/calls/{id}/summary", SummaryAsync).RequireAuthorization(IdentityExtensions.ViewerPolicy).WithTags("Calls")
            .WithSummary("What an ended call came to: times, talk, hold, dead air, containment, escalations, sentiment, latency, tokens, cost (docs/ARCHIVE.md).");
        app.MapPost("/api/v1/calls/{id}/disposition", DispositionAsync).RequireAuthorization(IdentityExtensions.SupervisorPolicy).WithTags("Calls")
            .WithSummary("Set the call's disposition or tags, or add a note, during or after the call (audited; in the log as call.disposition).");
        app.MapPost("/api/v1/calls/{id}/review", ReviewAsync).RequireAuthorization(IdentityExtensions.SupervisorPolicy).WithTags("Calls")
            .WithSummary("Confirm the call's scorecard result or override its score with a note (audited; in the log as scorecard.reviewed).");
        app.MapPost("/api/v1/admin/archive/rebuild", RebuildAsync).RequireAuthorization(IdentityExtensions.AdminPolicy).WithTags("Admin")
            .WithSummary("Summarise every ended call again from its log (after a change of the price table or the dead-air threshold).");
        return app;
    }

    private static async Task<Results<Ok<CallSummary>, ProblemHttpResult>> SummaryAsync(string id, HttpContext http, ICallArchive archive, Redactor redaction, CancellationToken cancellationToken)
    {
        if (await archive.GetAsync(id, cancellationToken) is not { } summary)
        {
            return TypedResults.Problem(title: "No summary", detail: $"Call '{id}' has no summary: it has not ended, or it has no events.", statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.Ok(summary.Masked(redaction.For(http.User)));
    }

    private static async Task<Results<Ok<DispositionResult>, ProblemHttpResult>> DispositionAsync(
        string id,
        DispositionRequest body,
        HttpContext http,
        Calls.LiveCalls live,
        IEventStore store,
        Ingest.EventIngestor ingestor,
        AuditLog audit,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var actor = Actor.From(http);
        var data = new DispositionData(body.Disposition?.Trim(), body.Tags?.Select(t => t?.Trim().ToLowerInvariant() ?? "").Distinct(StringComparer.Ordinal).ToList(), body.Note?.Trim(), actor.Name);
        if (Invalid("Invalid disposition", data, body.RequestId) is { } invalid)
        {
            return invalid;
        }

        if (live.Find(id) is null && (await store.ReadAsync(id, 0, 1, cancellationToken)).Count == 0)
        {
            return TypedResults.Problem(title: "No such call", detail: $"No call with id '{id}' has any events.", statusCode: StatusCodes.Status404NotFound);
        }

        // With a request id, a retry stores nothing twice.
        var eventId = body.RequestId is { } requestId
            ? Supervision.ServerEvent.StableId("disp", $"{actor.Id}|{requestId}")
            : Supervision.ServerEvent.NewId("disp");
        var ack = (await ingestor.AppendServerEventsAsync([Supervision.ServerEvent.Create(id, EventTypes.CallDisposition, data, eventId, clock.GetUtcNow())], CancellationToken.None))[0];
        await audit.RecordAsync(actor, "call.disposition", "ok", id, id, new { data.Disposition, data.Tags, note = data.Note is not null, body.RequestId, duplicate = ack.Duplicate });
        return TypedResults.Ok(new DispositionResult(id, ack.Seq, ack.Duplicate));
    }

    private static async Task<Results<Ok<DispositionResult>, ProblemHttpResult>> ReviewAsync(
        string id,
        ReviewRequest body,
        HttpContext http,
        ICallArchive archive,
        Ingest.EventIngestor ingestor,
        AuditLog audit,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var actor = Actor.From(http);
        var data = new ReviewData(body.Verdict?.Trim().ToLowerInvariant(), body.Score, body.Note?.Trim(), actor.Name);
        if (Invalid("Invalid review", data, body.RequestId) is { } invalid)
        {
            return invalid;
        }

        if (await archive.GetAsync(id, cancellationToken) is not { } summary)
        {
            return TypedResults.Problem(title: "No summary", detail: $"Call '{id}' has no summary: it has not ended, or it has no events.", statusCode: StatusCodes.Status404NotFound);
        }

        if (summary.Scorecard is not { } card)
        {
            return TypedResults.Problem(title: "Not scored", detail: $"Call '{id}' has not been scored yet; review it once its scorecard result is in.", statusCode: StatusCodes.Status409Conflict);
        }

        data = data with { Scorecard = card.Scorecard, Version = card.Version };
        var eventId = body.RequestId is { } requestId
            ? Supervision.ServerEvent.StableId("review", $"{actor.Id}|{requestId}")
            : Supervision.ServerEvent.NewId("review");
        var ack = (await ingestor.AppendServerEventsAsync([Supervision.ServerEvent.Create(id, EventTypes.ScorecardReviewed, data, eventId, clock.GetUtcNow())], CancellationToken.None))[0];
        await audit.RecordAsync(actor, "call.review", "ok", id, id, new { data.Verdict, data.Score, previous = card.Score, card.Scorecard, card.Version, body.RequestId, duplicate = ack.Duplicate });
        return TypedResults.Ok(new DispositionResult(id, ack.Seq, ack.Duplicate));
    }

    /// <summary>The problem with a supervisor's event and its request id, or null when both are valid.</summary>
    private static ProblemHttpResult? Invalid(string title, IEventData data, string? requestId)
    {
        var errors = new FieldErrors();
        data.Validate(errors);
        if (requestId is { Length: > Limits.ShortText })
        {
            errors.Add("requestId", $"may have at most {Limits.ShortText} characters");
        }

        return errors.IsEmpty
            ? null
            : TypedResults.Problem(title: title, detail: string.Join("; ", errors.Items.Select(e => $"'{e.Key}' {e.Value}")), statusCode: StatusCodes.Status400BadRequest);
    }

    private static async Task<Ok<RebuildResult>> RebuildAsync(HttpContext http, CallArchiver archiver, AuditLog audit)
    {
        // Carried out even if the admin's connection drops meanwhile.
        var count = await archiver.RebuildAsync(CancellationToken.None);
        await audit.RecordAsync(Actor.From(http), "archive.rebuild", "ok", detail: new { calls = count });
        return TypedResults.Ok(new RebuildResult(count));
    }
}

/// <summary>Body of <c>POST /api/v1/calls/{id}/disposition</c>: any of the three, and an optional request id for retries.</summary>
public sealed record DispositionRequest(string? Disposition, IReadOnlyList<string>? Tags, string? Note, string? RequestId);

/// <summary>Body of <c>POST /api/v1/calls/{id}/review</c>: <c>confirmed</c>, or <c>overridden</c> with a score (0 … 100) and a note; an optional request id for retries.</summary>
public sealed record ReviewRequest(string? Verdict, double? Score, string? Note, string? RequestId);

/// <summary>Answer of a disposition or a review: the event's seq in the call's log, and whether it was there already (a retry).</summary>
public sealed record DispositionResult(string CallId, long Seq, bool Duplicate);

/// <summary>Answer of a rebuild.</summary>
/// <param name="Calls">Ended calls summarised again.</param>
public sealed record RebuildResult(int Calls);
