using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;

namespace Switchboard.Server.LiveKit.Egress;

/// <summary><c>POST /api/v1/calls/{id}/recording</c>: a supervisor records a live LiveKit call.</summary>
public static class RecordingEndpoints
{
    /// <summary>Registers the recordings and the recorder (which does nothing unless <c>LiveKit:Recording:Enabled</c>).</summary>
    public static IServiceCollection AddRecordings(this IServiceCollection services)
    {
        services.AddSingleton<CallRecordings>();
        services.AddHostedService<CallRecorder>();
        return services;
    }

    /// <summary>Maps the endpoint; supervisors and admins only.</summary>
    public static IEndpointRouteBuilder MapRecordings(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/calls/{id}/recording", StartAsync)
            .RequireAuthorization(IdentityExtensions.SupervisorPolicy)
            .WithTags("Interventions")
            .WithSummary("Record the live call through LiveKit Egress (LiveKit:Recording; audited). Asking again returns the recording already asked for.");
        return app;
    }

    private static async Task<Results<Ok<RecordingAnswer>, ProblemHttpResult>> StartAsync(
        string id, HttpContext http, CallRecordings recordings, LiveCalls live, AuditLog audit)
    {
        if (CallIds.CallIdProblem(id) is { } invalid)
        {
            return TypedResults.Problem(title: "Invalid call id", detail: $"The call id {invalid}.", statusCode: StatusCodes.Status400BadRequest);
        }

        var actor = Actor.From(http);
        var (answer, problem) = await TryStartAsync(id, actor, recordings, live);
        await audit.RecordAsync(actor, "call.recording", problem is null ? "ok" : problem.Status switch { 409 => "conflict", 404 => "invalid", _ => "failed" }, id, id,
            new { answer?.EgressId, answer?.Status, answer?.Duplicate, problem = problem?.Detail });
        return problem is null ? TypedResults.Ok(answer!) : TypedResults.Problem(title: problem.Title, detail: problem.Detail, statusCode: problem.Status);
    }

    private static async Task<(RecordingAnswer? Answer, Problem? Problem)> TryStartAsync(string id, Actor actor, CallRecordings recordings, LiveCalls live)
    {
        if (!recordings.Enabled)
        {
            return (null, new Problem(409, "Recording is off", "Set LiveKit:Recording:Enabled (with LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret) to record calls."));
        }

        if (live.Find(id) is not { } call)
        {
            return (null, new Problem(404, "No such active call", $"No active call has id '{id}'; only a live call can be recorded."));
        }

        if (!CallRecordings.InLiveKit(id))
        {
            return (null, new Problem(409, "Not a LiveKit call", "This call has no LiveKit room, so LiveKit Egress cannot record it."));
        }

        // Carried out even if the supervisor's connection drops: the claim is in the log by then.
        var start = await recordings.StartAsync(id, call.RoomName, "supervisor", actor.Name, CancellationToken.None);
        var answer = new RecordingAnswer(id, start.Recording.Status, start.Recording.EgressId, start.Duplicate);
        return start.Problem is { } failed
            ? (answer, new Problem(StatusCodes.Status502BadGateway, "Recording could not start", failed.Message))
            : (answer, null);
    }

    private sealed record Problem(int Status, string Title, string Detail);
}

/// <summary>The answer of <c>POST /api/v1/calls/{id}/recording</c>.</summary>
/// <param name="CallId">The call.</param>
/// <param name="Status"><c>requested</c>, <c>recording</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="EgressId">LiveKit's egress id, once Egress answered.</param>
/// <param name="Duplicate">True when the recording had been asked for already (nothing new was started).</param>
public sealed record RecordingAnswer(string CallId, string Status, string? EgressId, bool Duplicate);
