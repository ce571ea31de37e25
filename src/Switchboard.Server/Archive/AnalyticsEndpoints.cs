using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Archive;

/// <summary><c>GET /api/v1/analytics/summary</c>: contact-centre figures from the rollups of ended calls (docs/ANALYTICS.md).</summary>
public static class AnalyticsEndpoints
{
    /// <summary>The longest range one request may cover.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    private static readonly string[] GroupBys = ["hour", "day", "agent", "persona"];

    /// <summary>Maps the analytics.</summary>
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/analytics/summary", SummaryAsync).RequireAuthorization(IdentityExtensions.SupervisorPolicy).WithTags("Analytics")
            .WithSummary("Calls, handle, talk and hold time, completion, containment, transfer, escalation and intervention rates, sentiment, latency by stage, errors and cost, per group and in total.");
        return app;
    }

    private static async Task<Results<Ok<AnalyticsSummary>, ProblemHttpResult>> SummaryAsync(
        ICallArchive archive, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken, string groupBy = "day")
    {
        if (from is null || to is null || to <= from || to - from > MaxRange || !GroupBys.Contains(groupBy))
        {
            return TypedResults.Problem(
                title: "Invalid query",
                detail: $"'from' and 'to' are required (ISO 8601, 'to' after 'from', at most {MaxRange.TotalDays:F0} days apart) and 'groupBy' is hour, day, agent or persona.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        // Rollups are hourly: the range widens to whole hours.
        var start = Floor(from.Value, TimeSpan.TicksPerHour);
        var end = Floor(to.Value.AddTicks(TimeSpan.TicksPerHour - 1), TimeSpan.TicksPerHour);
        return TypedResults.Ok(Summarize(await RollupsAsync(archive, groupBy, start, end, cancellationToken), groupBy, start, end));
    }

    /// <summary>
    /// The rollups that cover [start, end): hourly ones when grouping by hour; otherwise daily ones
    /// for the whole days inside and hourly ones for the hours at the edges.
    /// </summary>
    public static async Task<IReadOnlyList<RollupRow>> RollupsAsync(ICallArchive archive, string groupBy, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var firstDay = CallRollup.Floor(start.AddTicks(TimeSpan.TicksPerDay - 1), "day");
        var lastDay = CallRollup.Floor(end, "day");
        if (groupBy == "hour" || firstDay >= lastDay)
        {
            return await archive.RollupsAsync("hour", start, end, cancellationToken);
        }

        return
        [
            .. await archive.RollupsAsync("hour", start, firstDay, cancellationToken),
            .. await archive.RollupsAsync("day", firstDay, lastDay, cancellationToken),
            .. await archive.RollupsAsync("hour", lastDay, end, cancellationToken),
        ];
    }

    /// <summary>Adds rollups up per group (hour, day, agent or persona) and in total.</summary>
    public static AnalyticsSummary Summarize(IReadOnlyList<RollupRow> rows, string groupBy, DateTimeOffset start, DateTimeOffset end)
    {
        var total = new CallRollup();
        var groups = new SortedDictionary<string, CallRollup>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            total.Merge(row.Figures);
            var key = groupBy switch
            {
                "hour" => row.Start.ToString("yyyy-MM-ddTHH:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
                "day" => row.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                "agent" => row.Agent,
                _ => row.Persona,
            };
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new CallRollup();
            }

            group.Merge(row.Figures);
        }

        return new AnalyticsSummary(start, end, groupBy, AnalyticsFigures.Of(total), [.. groups.Select(g => new AnalyticsGroup(g.Key, AnalyticsFigures.Of(g.Value)))]);
    }

    private static DateTimeOffset Floor(DateTimeOffset at, long unit) => new(at.UtcTicks - (at.UtcTicks % unit), TimeSpan.Zero);
}

/// <summary>Answer of <c>GET /api/v1/analytics/summary</c>.</summary>
/// <param name="From">The range's start, widened to a whole hour.</param>
/// <param name="To">Its end, likewise.</param>
/// <param name="GroupBy">hour, day, agent or persona.</param>
/// <param name="Total">Every call of the range.</param>
/// <param name="Groups">Per group, in key order.</param>
public sealed record AnalyticsSummary(DateTimeOffset From, DateTimeOffset To, string GroupBy, AnalyticsFigures Total, IReadOnlyList<AnalyticsGroup> Groups);

/// <summary>One group: its key (the hour, the day, the agent's name or the persona) and its figures.</summary>
public sealed record AnalyticsGroup(string Key, AnalyticsFigures Figures);

/// <summary>The figures of some calls; docs/ANALYTICS.md defines each.</summary>
public sealed record AnalyticsFigures(
    long Calls,
    double AverageHandleSeconds,
    double AverageTalkSeconds,
    double AverageHoldSeconds,
    double CompletionRate,
    double ContainmentRate,
    double TransferRate,
    double EscalationRate,
    double InterventionRate,
    Percentiles EscalationSecondsToAnswer,
    SentimentDistribution Sentiment,
    IReadOnlyDictionary<string, Percentiles> Latency,
    IReadOnlyDictionary<string, double> ErrorRate,
    double CostPerCall,
    double Cost)
{
    /// <summary>The figures of a rollup.</summary>
    public static AnalyticsFigures Of(CallRollup r)
    {
        double Per(double value) => r.Calls == 0 ? 0 : Math.Round(value / r.Calls, 4);
        double Average(double value) => r.Calls == 0 ? 0 : Math.Round(value / r.Calls, 3);
        return new AnalyticsFigures(
            r.Calls,
            Average(r.HandleSeconds),
            Average(r.TalkSeconds),
            Average(r.HoldSeconds),
            Per(r.Completed),
            Per(r.Contained),
            Per(r.Transferred),
            Per(r.Escalated),
            Per(r.Intervened),
            new Percentiles(Histogram.Percentile(r.AnswerBuckets, 50), Histogram.Percentile(r.AnswerBuckets, 90), null, null),
            new SentimentDistribution(r.SentimentNegative, r.SentimentNeutral, r.SentimentPositive, r.SentimentUnscored),
            r.LatencyBuckets.ToDictionary(
                p => p.Key,
                p => new Percentiles(Histogram.Percentile(p.Value, 50), Histogram.Percentile(p.Value, 90), Histogram.Percentile(p.Value, 95), Histogram.Percentile(p.Value, 99)),
                StringComparer.Ordinal),
            new Dictionary<string, double>(StringComparer.Ordinal) { ["tool"] = Per(r.ToolErrorCalls), ["agent"] = Per(r.AgentErrorCalls) },
            r.Calls == 0 ? 0 : Math.Round(r.Cost / r.Calls, 6),
            r.Cost);
    }
}

/// <summary>Percentiles read from histograms (within 8 %); null where there is nothing to count.</summary>
public sealed record Percentiles(double? P50, double? P90, double? P95, double? P99);

/// <summary>Calls by the customer's mean sentiment.</summary>
public sealed record SentimentDistribution(long Negative, long Neutral, long Positive, long Unscored);
