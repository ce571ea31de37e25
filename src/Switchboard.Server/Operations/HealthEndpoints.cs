using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Operations;

/// <summary><c>/healthz</c> (process up) and <c>/readyz</c> (store open and writable).</summary>
public static class HealthEndpoints
{
    /// <summary>Maps the health endpoints (anonymous).</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Operations").AllowAnonymous();
        group.MapGet("/healthz", () => TypedResults.Ok(new { status = "up" }));
        group.MapGet("/readyz", ReadyAsync);
        return app;
    }

    private static async Task<Results<Ok<ReadyStatus>, JsonHttpResult<ReadyStatus>>> ReadyAsync(IEventStore store, CancellationToken cancellationToken)
    {
        var writable = await store.IsWritableAsync(cancellationToken);
        var status = new ReadyStatus(writable ? "ready" : "not ready", writable);
        return writable ? TypedResults.Ok(status) : TypedResults.Json(status, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>Readiness answer.</summary>
public sealed record ReadyStatus(string Status, bool StoreWritable);
