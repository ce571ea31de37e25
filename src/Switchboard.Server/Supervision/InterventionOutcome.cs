using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Server.Supervision;

/// <summary>An intervention's result or the problem that stopped it (status, title, detail).</summary>
public sealed record InterventionOutcome(InterventionResult? Result, int Status, string? Title = null, string? Detail = null)
{
    /// <summary>Audit outcome name.</summary>
    public string AuditOutcome => Status switch
    {
        < 300 => "ok",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status404NotFound or StatusCodes.Status400BadRequest => "invalid",
        _ => "failed",
    };

    /// <summary>Success.</summary>
    public static InterventionOutcome Ok(InterventionResult result) => new(result, StatusCodes.Status200OK);

    /// <summary>A problem.</summary>
    public static InterventionOutcome Problem(int status, string title, string detail) => new(null, status, title, detail);

    /// <summary>The HTTP answer.</summary>
    public Results<Ok<InterventionResult>, ProblemHttpResult> ToHttp() =>
        Result is not null ? TypedResults.Ok(Result) : TypedResults.Problem(title: Title, detail: Detail, statusCode: Status);
}
