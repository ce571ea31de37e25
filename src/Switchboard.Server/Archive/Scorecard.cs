using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Archive;

/// <summary>
/// Scores an ended call against the configured scorecard's rules, from its log and its summary,
/// with the results of the criteria judged by a model (<see cref="ScorecardJudge"/>) weighed in.
/// Pure: the same events, summary, judgments and settings give the same result, so a call scored again
/// (another node, a restart) stores the same event, once (its id is derived from the call, the
/// scorecard and its version).
/// </summary>
public static class Scorecard
{
    /// <summary>
    /// The result of each rule that applies to the call, then each judged criterion, weighted into a
    /// score of 0 … 100. A judged criterion of weight 0 (not evaluated) counts neither way.
    /// </summary>
    public static ScorecardData Score(IReadOnlyList<StoredEvent> events, CallSummary summary, ScorecardOptions options, IReadOnlyList<CriterionResult>? judged = null)
    {
        var results = new List<CriterionResult>();
        void Rule(string id, bool? passed, string detail)
        {
            // null: the rule does not apply to this call.
            if (passed is { } p && options.Criteria.TryGetValue(id, out var setting) && setting.Weight > 0)
            {
                results.Add(new CriterionResult(id, p, detail, setting.Weight, setting.Critical));
            }
        }

        var agentLines = events.Where(e => e.Type == EventTypes.TranscriptFinal && e.Data.Str("speaker") == "agent").Select(e => e.Data.Str("text") ?? "").ToList();
        var first = agentLines.FirstOrDefault();
        Rule(
            "greeting",
            first is null ? false : options.GreetingPhrases.Any(g => Contains(first, g)),
            first is null ? "The agent never spoke." : $"First agent turn: \"{Shorten(first)}\".");

        var longest = summary.LongestSilenceSeconds;
        Rule("no-dead-air", longest <= options.MaxDeadAirSeconds, $"Longest silence {longest:0.#} s (at most {options.MaxDeadAirSeconds:0.#} s).");

        var budget = options.Budget.ByStage();
        var broken = budget.Where(b => summary.Latency.TryGetValue(b.Key, out var l) && l.P95 > b.Value).Select(b => $"{b.Key} p95 {summary.Latency[b.Key].P95:0} ms > {b.Value:0} ms").ToList();
        var measured = budget.Keys.Any(summary.Latency.ContainsKey);
        Rule("latency-budget", measured ? broken.Count == 0 : null, broken.Count == 0 ? "Every stage's p95 within budget." : string.Join("; ", broken) + ".");

        var e = summary.Escalations;
        var inTime = e.Answered == e.Count && (e.MaxSecondsToAnswer ?? 0) <= options.EscalationAnswerSeconds;
        Rule(
            "escalation-answered",
            e.Count == 0 ? null : inTime,
            inTime
                ? $"Every escalation answered within {options.EscalationAnswerSeconds:0} s."
                : $"{e.Count - e.Answered} of {e.Count} escalations not answered; the slowest answer took {e.MaxSecondsToAnswer ?? 0:0} s (at most {options.EscalationAnswerSeconds:0} s).");

        if (options.RequiredDisclosure is { Length: > 0 } disclosure)
        {
            var said = agentLines.Any(l => Contains(l, disclosure));
            Rule("disclosure", said, said ? "The required disclosure was said." : $"The agent never said \"{Shorten(disclosure)}\".");
        }

        Rule(
            "ending-sentiment",
            summary.Sentiment is { } s ? s.Last >= -CallRollup.SentimentBand : null,
            summary.Sentiment is { } last ? $"The customer's last sentiment {last.Last:0.##}." : "");

        results.AddRange(judged ?? []);
        var weights = results.Sum(r => r.Weight);
        var score = weights == 0 ? 100 : Math.Round(100 * results.Where(r => r.Passed).Sum(r => r.Weight) / weights, 1);
        var flagged = score < options.FlagBelow || results.Any(r => r.Critical && !r.Passed && r.Weight > 0);
        return new ScorecardData(options.Name, options.Version, score, flagged, results);
    }

    /// <summary>The id of the call's result for this scorecard version.</summary>
    public static string EventId(string callId, ScorecardOptions options) =>
        Supervision.ServerEvent.StableId("score", $"{callId}|{options.Name}|{options.Version}");

    private static bool Contains(string text, string phrase) =>
        $" {Normalise(text)} ".Contains($" {Normalise(phrase)} ", StringComparison.Ordinal);

    private static string Normalise(string text) =>
        string.Join(' ', new string([.. text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ')]).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
