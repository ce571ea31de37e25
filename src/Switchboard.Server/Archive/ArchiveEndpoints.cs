using Microsoft.AspNetCore.Http.HttpResults;
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

        var mask = redaction.For(http.User);
        return TypedResults.Ok(mask.IsNone ? summary : summary with { CallerNumber = mask.Text(summary.CallerNumber), CallerName = mask.Text(summary.CallerName) });
    }

    private static async Task<Ok<RebuildResult>> RebuildAsync(HttpContext http, CallArchiver archiver, AuditLog audit)
    {
        // Carried out even if the admin's connection drops meanwhile.
        var count = await archiver.RebuildAsync(CancellationToken.None);
        await audit.RecordAsync(Actor.From(http), "archive.rebuild", "ok", detail: new { calls = count });
        return TypedResults.Ok(new RebuildResult(count));
    }
}

/// <summary>Answer of a rebuild.</summary>
/// <param name="Calls">Ended calls summarised again.</param>
public sealed record RebuildResult(int Calls);
