using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchboard.Agents.Runtime;

/// <summary>An interview's result, recorded on the call as <see cref="EventType"/>.</summary>
/// <param name="Role">The role screened for.</param>
/// <param name="Criteria">Each criterion's score and the candidate's words that support it.</param>
/// <param name="Overall">The weighted score, 0 … 100.</param>
/// <param name="Recommendation"><c>advance</c>, <c>hold</c> or <c>reject</c>.</param>
/// <param name="Summary">Two or three sentences.</param>
/// <param name="QuotesDropped">Evidence the model gave that the candidate never said (left out).</param>
/// <param name="Model">The model that scored.</param>
public sealed record InterviewScorecard(
    string Role, IReadOnlyList<CriterionScore> Criteria, double Overall, string Recommendation, string Summary, int QuotesDropped, string? Model)
{
    /// <summary>The custom event type of a scorecard.</summary>
    public const string EventType = "x-interview.scorecard";
}

/// <summary>One criterion of an <see cref="InterviewScorecard"/>.</summary>
public sealed record CriterionScore(string Id, int Score, int MaxScore, double Weight, IReadOnlyList<string> Evidence);

/// <summary>
/// Turns a finished interview into its scorecard: the model rates each criterion of the plan and
/// quotes the candidate; the answer is checked (every criterion, scores on the scale) and every
/// quote must be the candidate's own words, or it is dropped.
/// </summary>
public static class InterviewScoring
{
    /// <summary>The plan as the interviewer's instructions carry it.</summary>
    public static string PlanText(InterviewPlan plan)
    {
        var text = new StringBuilder();
        text.Append("Interview plan for the role: ").Append(plan.Role).Append(". Ask these questions in order, one at a time:");
        var n = 1;
        foreach (var q in plan.Questions)
        {
            text.Append('\n').Append(n++).Append(". [").Append(q.Id).Append("] ").Append(q.Ask);
            if (!string.IsNullOrWhiteSpace(q.FollowUp))
            {
                text.Append(" (Follow-up, only if the answer needs it: ").Append(q.FollowUp.Trim()).Append(')');
            }
        }

        text.Append("\nDecide yourself whether an answer needs its follow-up; ask at most one follow-up per question. ")
            .Append("When every question was answered, call finish_interview.");
        return text.ToString();
    }

    /// <summary>Scores the conversation against the plan.</summary>
    /// <exception cref="InvalidDataException">The model's answer is not a complete scorecard.</exception>
    public static async Task<InterviewScorecard> ScoreAsync(LlmRouter llm, InterviewPlan plan, IReadOnlyList<ChatMessage> conversation, ILlmObserver observer, CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        foreach (var m in conversation.Where(m => (m.Role == ChatRole.User || m.Role == ChatRole.Assistant) && !string.IsNullOrWhiteSpace(m.Text)))
        {
            transcript.Append(m.Role == ChatRole.User ? "Candidate: " : "Interviewer: ").Append(m.Text.Trim()).Append('\n');
        }

        var instructions = new StringBuilder();
        instructions.Append("You score a screening interview for the role: ").Append(plan.Role).Append(".\nRate each criterion from 1 to ")
            .Append(plan.MaxScore.ToString(CultureInfo.InvariantCulture)).Append(" and quote the candidate's exact words as evidence:");
        foreach (var c in plan.Criteria)
        {
            instructions.Append("\n- ").Append(c.Id).Append(": ").Append(c.Description);
        }

        instructions.Append("\nAnswer only with JSON: {\"criteria\":[{\"id\":\"…\",\"score\":1,\"evidence\":[\"exact quote\"]}],\"summary\":\"…\",\"recommendation\":\"advance|hold|reject\"}");
        var messages = new List<ChatMessage> { new(ChatRole.System, instructions.ToString()), new(ChatRole.User, transcript.ToString()) };
        var answer = new StringBuilder();
        string? model = null;
        await foreach (var update in llm.StreamAsync(messages, new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Temperature = 0 }, observer, cancellationToken).ConfigureAwait(false))
        {
            answer.Append(update.Text);
            model = update.ModelId ?? model;
        }

        return Check(plan, answer.ToString(), conversation, model);
    }

    /// <summary>Checks the model's JSON against the plan and the candidate's words.</summary>
    /// <exception cref="InvalidDataException">Not a complete scorecard; the message says what is missing.</exception>
    public static InterviewScorecard Check(InterviewPlan plan, string json, IReadOnlyList<ChatMessage> conversation, string? model)
    {
        var said = Normalize(string.Join("\n", conversation.Where(m => m.Role == ChatRole.User).Select(m => m.Text)));
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(Unfence(json)).RootElement;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The scorecard is not JSON: " + ex.Message, ex);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("criteria", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("The scorecard has no 'criteria' array.");
        }

        var scored = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                scored[id.GetString()!] = item;
            }
        }

        var criteria = new List<CriterionScore>();
        var dropped = 0;
        var problems = new List<string>();
        foreach (var criterion in plan.Criteria)
        {
            if (!scored.TryGetValue(criterion.Id, out var item))
            {
                problems.Add($"'{criterion.Id}' is not scored");
                continue;
            }

            if (!item.TryGetProperty("score", out var s) || !s.TryGetInt32(out var score) || score < 1 || score > plan.MaxScore)
            {
                problems.Add($"'{criterion.Id}' needs a whole score from 1 to {plan.MaxScore}");
                continue;
            }

            var evidence = new List<string>();
            if (item.TryGetProperty("evidence", out var quotes) && quotes.ValueKind == JsonValueKind.Array)
            {
                foreach (var quote in quotes.EnumerateArray().Where(q => q.ValueKind == JsonValueKind.String).Select(q => q.GetString()!.Trim().Trim('"', '“', '”')))
                {
                    if (quote.Length > 0 && said.Contains(Normalize(quote), StringComparison.Ordinal))
                    {
                        evidence.Add(quote);
                    }
                    else
                    {
                        dropped++;
                    }
                }
            }

            criteria.Add(new CriterionScore(criterion.Id, score, plan.MaxScore, criterion.Weight, evidence));
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException("The scorecard is incomplete: " + string.Join("; ", problems) + ".");
        }

        var weights = criteria.Sum(c => c.Weight);
        var overall = Math.Round(criteria.Sum(c => c.Weight * (c.Score - 1) / (c.MaxScore - 1)) / weights * 100, 1);
        var recommendation = root.TryGetProperty("recommendation", out var r) && r.GetString() is "advance" or "hold" or "reject" ? r.GetString()! : overall >= 70 ? "advance" : overall >= 50 ? "hold" : "reject";
        var summary = root.TryGetProperty("summary", out var sum) && sum.ValueKind == JsonValueKind.String ? sum.GetString()! : "";
        return new InterviewScorecard(plan.Role, criteria, overall, recommendation, summary, dropped, model);
    }

    private static string Unfence(string json)
    {
        var text = json.Trim();
        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            var start = text.IndexOf('\n', StringComparison.Ordinal);
            var end = text.LastIndexOf("```", StringComparison.Ordinal);
            text = start > 0 && end > start ? text[(start + 1)..end] : text;
        }

        return text;
    }

    private static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                builder.Append(char.ToLowerInvariant(ch));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        return builder.ToString().Trim();
    }
}
