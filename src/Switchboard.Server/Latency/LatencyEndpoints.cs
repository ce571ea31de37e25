using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Latency;

/// <summary>The fleet's latency against the budget: the watch, and <c>GET /api/v1/latency</c>.</summary>
public static class LatencyEndpoints
{
    /// <summary>Registers the watch that follows every call's turns.</summary>
    public static IHostApplicationBuilder AddLatency(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LatencyWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LatencyWatch>());
        return builder;
    }

    /// <summary>Maps <c>/api/v1/latency</c>.</summary>
    public static IEndpointRouteBuilder MapLatency(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/latency").RequireAuthorization(IdentityExtensions.ViewerPolicy).WithTags("Latency");
        group.MapGet("/", Get).WithSummary("Per stage of the latency budget, the p95 of every call's turns of the last 5 minutes and whether its alert stands.");
        return app;
    }

    private static Ok<FleetLatency> Get(LatencyWatch watch) => TypedResults.Ok(watch.Current);
}
