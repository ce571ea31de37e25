using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Archive;

/// <summary>The filters of past calls on <c>GET /api/v1/calls?status=ended</c>; any of them (or <c>q</c>) makes the answer come from the archive.</summary>
/// <param name="From">Started at or after (ISO 8601).</param>
/// <param name="To">Started before.</param>
/// <param name="Agent">The agent's name.</param>
/// <param name="Persona">A persona that spoke in the call.</param>
/// <param name="EndReason">How it ended.</param>
/// <param name="Contained">true or false.</param>
/// <param name="SentimentBelow">The customer's mean sentiment below this (-1 … 1).</param>
/// <param name="ScoreBelow">Scored below this.</param>
/// <param name="Tag">Carries this tag.</param>
/// <param name="Q">Words of the transcript (any of them, stemmed).</param>
/// <param name="Format"><c>csv</c> for a CSV file of the same query.</param>
/// <param name="Flagged">Flagged for review by the scorecard, or not.</param>
/// <param name="Review"><c>pending</c>: flagged and not yet reviewed (the review queue); <c>done</c>: flagged and reviewed.</param>
/// <param name="Escalated">The agent asked for help at least once, or not.</param>
/// <param name="Transferred">Transferred (or ended as transferred), or not.</param>
/// <param name="Intervened">A supervisor guided or took over, or not.</param>
/// <param name="ToolErrors">A tool call failed, or not.</param>
/// <param name="Completed">Ended completed or by the caller hanging up (analytics' completion), or not.</param>
public sealed record PastCallFilters(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Agent = null,
    string? Persona = null,
    string? EndReason = null,
    bool? Contained = null,
    double? SentimentBelow = null,
    double? ScoreBelow = null,
    string? Tag = null,
    string? Q = null,
    string? Format = null,
    bool? Flagged = null,
    string? Review = null,
    bool? Escalated = null,
    bool? Transferred = null,
    bool? Intervened = null,
    bool? ToolErrors = null,
    bool? Completed = null)
{
    /// <summary>True when any filter is set.</summary>
    public bool Any => From is not null || To is not null || Agent is not null || Persona is not null || EndReason is not null || Contained is not null
        || SentimentBelow is not null || ScoreBelow is not null || Tag is not null || Q is not null || Format is not null || Flagged is not null || Review is not null
        || Escalated is not null || Transferred is not null || Intervened is not null || ToolErrors is not null || Completed is not null;
}

/// <summary>Past calls from the archive: a page of summaries, or the whole query as CSV.</summary>
public static class PastCalls
{
    /// <summary>Most rows of one CSV export.</summary>
    public const int MaxExportRows = 100_000;

    /// <summary>Answers the query.</summary>
    public static async Task<Results<Ok<CallList>, FileContentHttpResult, ProblemHttpResult>> ListAsync(
        HttpContext http, ICallArchive archive, IEventStore store, Redactor redaction, PastCallFilters f, int limit, string? before, CancellationToken cancellationToken)
    {
        if (Problem(f) is { } problem)
        {
            return TypedResults.Problem(title: "Invalid query", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        CallPosition? position = null;
        if (before is not null && !CallCursor.TryRead(before, out position))
        {
            return TypedResults.Problem(title: "Invalid query", detail: "'before' must be the cursor of a page's 'next' link.", statusCode: StatusCodes.Status400BadRequest);
        }

        var mask = redaction.For(http.User);
        var query = new PastCallQuery(f, position is null ? null : (position.FirstAt, position.CallId), f.Format == "csv" ? MaxExportRows : limit);
        var found = (await archive.QueryAsync(query, cancellationToken))
            .Select(s => s.Masked(mask))
            .ToList();
        if (f.Format == "csv")
        {
            return TypedResults.File(Encoding.UTF8.GetBytes(Csv(found)), "text/csv; charset=utf-8", "calls.csv");
        }

        string? next = null;
        if (found.Count == limit)
        {
            var cursor = CallCursor.Write(new CallRecord(found[^1].CallId, found[^1].StartedAt, found[^1].StartedAt, 0, null, null));
            var link = QueryString.Create(http.Request.Query.Where(p => p.Key != "before").SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v))))
                .Add("before", cursor);
            next = "/api/v1/calls" + link.ToUriComponent();
        }

        // A text search says where each call matched.
        var hits = f.Q is { } q ? await TranscriptHits.FindAsync(store, found.Select(c => c.CallId), q, mask, cancellationToken) : null;
        return TypedResults.Ok(new CallList(null, null, null, next, found, hits));
    }

    /// <summary>The CSV of summaries: one row per call, the figures a spreadsheet sums.</summary>
    public static string Csv(IEnumerable<CallSummary> calls)
    {
        var csv = new StringBuilder();
        csv.Append("callId,agent,personas,direction,callerNumber,startedAt,endedAt,endReason,handleSeconds,customerTalkSeconds,agentTalkSeconds,")
            .Append("holdSeconds,deadAirSeconds,contained,transfers,escalations,escalationsAnswered,guidance,takeovers,sentimentMean,sentimentLast,")
            .Append("e2eP95Ms,tokensIn,tokensOut,cost,toolErrors,score,disposition,tags\r\n");
        foreach (var c in calls)
        {
            string[] row =
            [
                c.CallId, c.AgentName ?? "", string.Join(';', c.Personas), c.Direction ?? "", c.CallerNumber ?? "",
                c.StartedAt.ToString("O", CultureInfo.InvariantCulture), c.EndedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", c.EndReason ?? "",
                Num(c.HandleSeconds), Num(c.TalkSeconds.GetValueOrDefault("customer")), Num(c.TalkSeconds.GetValueOrDefault("agent")),
                Num(c.HoldSeconds), Num(c.DeadAirSeconds), c.Contained ? "true" : "false", Num(c.Transfers), Num(c.Escalations.Count),
                Num(c.Escalations.Answered), Num(c.Guidance), Num(c.Takeovers), c.Sentiment is { } s ? Num(s.Mean) : "", c.Sentiment is { } l ? Num(l.Last) : "",
                c.Latency.TryGetValue("endToEnd", out var e2e) ? Num(e2e.P95) : "", Num(c.TokensIn), Num(c.TokensOut), Num(c.Cost.Total), Num(c.ToolErrors),
                c.Score is { } score ? Num(score) : "", c.Disposition ?? "", string.Join(';', c.Tags),
            ];
            csv.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string? Problem(PastCallFilters f)
    {
        if (f.Format is not (null or "csv"))
        {
            return "'format' must be csv (or left out for JSON).";
        }

        if (f.Review is not (null or "pending" or "done"))
        {
            return "'review' must be pending or done.";
        }

        if (f.From is { } from && f.To is { } to && to <= from)
        {
            return "'to' must be after 'from'.";
        }

        if (new[] { f.Agent, f.Persona, f.EndReason, f.Tag }.Any(v => v is { Length: > Limits.ShortText }) || f.Q is { Length: > Limits.MediumText })
        {
            return $"'agent', 'persona', 'endReason' and 'tag' have at most {Limits.ShortText} characters, 'q' at most {Limits.MediumText}.";
        }

        return f.SentimentBelow is < -1 or > 1 ? "'sentimentBelow' must be between -1 and 1." : null;
    }

    private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A CSV cell; a leading =, +, - or @ is quoted with an apostrophe so spreadsheets do not run it as a formula.</summary>
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
