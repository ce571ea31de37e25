using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Supervision;

/// <summary>Interventions in a live call: <c>POST /api/v1/calls/{id}/{listen,guide,takeover,say,handback,transfer,end,leave}</c>.</summary>
public static class SupervisionEndpoints
{
    /// <summary>Registers the intervention services and validated options.</summary>
    public static IHostApplicationBuilder AddSupervision(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SupervisionOptions>().BindConfiguration(SupervisionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddStore<IInterventionLedger, InterventionLedger, PostgresInterventionLedger>();
        builder.Services.AddSingleton<RoomInterventions>();
        builder.Services.AddSingleton<InterventionLog>();
        builder.Services.AddSingleton<CallTransfers>();
        builder.Services.AddSingleton<CallInterventions>();
        builder.Services.AddHostedService<WatcherDeparture>();
        return builder;
    }

    /// <summary>Maps the interventions; supervisors and admins only.</summary>
    public static IEndpointRouteBuilder MapSupervision(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/calls/{id}").RequireAuthorization(IdentityExtensions.SupervisorPolicy).WithTags("Interventions");
        group.MapPost("/listen", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CancellationToken ct) =>
            Run(id, "listen", body, http, calls, (c, a, r) => calls.ListenAsync(c, a, r, ct), ct))
            .WithSummary("Watch the call silently: a LiveKit listen token, or the transcript stream without LiveKit.");
        group.MapPost("/leave", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CancellationToken ct) =>
            Run(id, "leave", body, http, calls, (c, a, r) => calls.LeaveAsync(c, a, r, ct), ct))
            .WithSummary("Stop watching the call.");
        group.MapPost("/guide", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CancellationToken ct) =>
            TextProblem(body?.Text) ?? Run(id, "guide", body, http, calls, (c, a, r) => calls.GuideAsync(c, a, body!.Text!, r, ct), ct))
            .WithSummary("Send guidance text to the agent; the call shows it applied once the agent acknowledges.");
        group.MapPost("/takeover", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CancellationToken ct) =>
            Run(id, "takeover", body, http, calls, (c, a, r) => calls.TakeoverAsync(c, a, r, ct), ct))
            .WithSummary("Take the call over; the agent pauses. One holder at a time (409 otherwise).");
        group.MapPost("/say", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CancellationToken ct) =>
            TextProblem(body?.Text) ?? Run(id, "say", body, http, calls, (c, a, r) => calls.SayAsync(c, a, body!.Text!, r, ct), ct))
            .WithSummary("During a take-over without LiveKit: words for the caller, spoken through the agent as the supervisor's.");
        group.MapPost("/handback", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CancellationToken ct) =>
            Run(id, "handback", body, http, calls, (c, a, r) => calls.HandbackAsync(c, a, body?.Note, r, ct), ct))
            .WithSummary("Hand the call back; the agent resumes with a summary of what was said meanwhile.");
        group.MapPost("/transfer", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CallTransfers transfers, CancellationToken ct) =>
            Run(id, "transfer", body, http, calls, (c, a, r) => transfers.TransferAsync(c, a, body?.Destination, body?.Mode, r, ct), ct))
            .WithSummary("Transfer the call to a configured destination (cold or warm); needs LiveKit.");
        group.MapPost("/end", (string id, InterventionRequest? body, HttpContext http, CallInterventions calls, CancellationToken ct) =>
            Run(id, "end", body, http, calls, (c, a, r) => calls.EndAsync(c, a, r, ct), ct))
            .WithSummary("End the call: the agent is told to end and the call is closed.");
        app.MapGet("/api/v1/transfer-destinations", (RoomInterventions rooms) => TypedResults.Ok(new TransferDestinationList(rooms.Destinations())))
            .RequireAuthorization(IdentityExtensions.SupervisorPolicy)
            .WithTags("Interventions")
            .WithSummary("The configured transfer destinations (Supervision:TransferDestinations), for the control bar's picker.");
        return app;
    }

    private static async Task<Results<Ok<InterventionResult>, ProblemHttpResult>> Run(
        string id,
        string action,
        InterventionRequest? body,
        HttpContext http,
        CallInterventions calls,
        Func<CallState, Actor, string?, Task<InterventionOutcome>> act,
        CancellationToken cancellationToken)
    {
        var actor = Actor.From(http);
        var requestId = body?.RequestId ?? http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var outcome = await calls.RunAsync(id, action, requestId, actor, call => act(call, actor, requestId), cancellationToken);
        // The hand-back summary repeats what the caller said: it is shown like the transcript.
        // (Resolved here rather than in each of the eight routes' parameters.)
        if (outcome.Result is { Summary: { } summary } result)
        {
            var mask = http.RequestServices.GetRequiredService<Redactor>().For(http.User);
            outcome = outcome with { Result = result with { Summary = mask.Text(summary) } };
        }

        return outcome.ToHttp();
    }

    private static Task<Results<Ok<InterventionResult>, ProblemHttpResult>>? TextProblem(string? text) =>
        string.IsNullOrWhiteSpace(text) || text.Length > Limits.LongText
            ? Task.FromResult<Results<Ok<InterventionResult>, ProblemHttpResult>>(TypedResults.Problem(
                title: "Invalid text",
                detail: $"'text' is required and may have at most {Limits.LongText} characters.",
                statusCode: StatusCodes.Status400BadRequest))
            : null;
}

/// <summary>Body of an intervention; which fields matter depends on the action.</summary>
/// <param name="RequestId">Client-chosen id: repeating it returns the first answer without acting again (or send the Idempotency-Key header).</param>
/// <param name="Text">guide, say: the text.</param>
/// <param name="Note">handback: a note added to the summary for the agent.</param>
/// <param name="Destination">transfer: a configured destination name.</param>
/// <param name="Mode">transfer: <c>cold</c> (default) or <c>warm</c>.</param>
public sealed record InterventionRequest(string? RequestId, string? Text, string? Note, string? Destination, string? Mode);
