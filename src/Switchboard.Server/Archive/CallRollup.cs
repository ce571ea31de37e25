namespace Switchboard.Server.Archive;

/// <summary>
/// The sums of the summaries of the calls that started in one hour with one agent and ended with
/// one persona: what analytics adds up. A summary folded again (a late event) is taken out and
/// put back, so the sums always equal those of the stored summaries. docs/ANALYTICS.md defines each.
/// </summary>
public sealed class CallRollup
{
    /// <summary>End reasons that count as completed.</summary>
    public static readonly IReadOnlySet<string> CompletedReasons = new HashSet<string>(StringComparer.Ordinal) { "completed", "caller_hangup" };

    /// <summary>A customer's mean sentiment below this is negative, above its opposite positive.</summary>
    public const double SentimentBand = 0.05;

    /// <summary>Calls counted.</summary>
    public long Calls { get; set; }

    /// <summary>Sum of handle times.</summary>
    public double HandleSeconds { get; set; }

    /// <summary>Sum of talk time of every party.</summary>
    public double TalkSeconds { get; set; }

    /// <summary>Sum of hold times.</summary>
    public double HoldSeconds { get; set; }

    /// <summary>Calls that ended completed or by the caller hanging up.</summary>
    public long Completed { get; set; }

    /// <summary>Contained calls.</summary>
    public long Contained { get; set; }

    /// <summary>Calls transferred.</summary>
    public long Transferred { get; set; }

    /// <summary>Calls with at least one escalation.</summary>
    public long Escalated { get; set; }

    /// <summary>Calls with guidance or a take-over.</summary>
    public long Intervened { get; set; }

    /// <summary>Calls whose customer's mean sentiment is negative.</summary>
    public long SentimentNegative { get; set; }

    /// <summary>Calls whose customer's mean sentiment is neutral.</summary>
    public long SentimentNeutral { get; set; }

    /// <summary>Calls whose customer's mean sentiment is positive.</summary>
    public long SentimentPositive { get; set; }

    /// <summary>Calls without sentiment scores.</summary>
    public long SentimentUnscored { get; set; }

    /// <summary>Calls with at least one failed tool call.</summary>
    public long ToolErrorCalls { get; set; }

    /// <summary>Calls ended by an agent error.</summary>
    public long AgentErrorCalls { get; set; }

    /// <summary>Sum of costs.</summary>
    public double Cost { get; set; }

    /// <summary>Escalations' times to answer, in histogram buckets of seconds.</summary>
    public SortedDictionary<int, long> AnswerBuckets { get; set; } = [];

    /// <summary>Turn latencies per stage, in histogram buckets of milliseconds.</summary>
    public SortedDictionary<string, SortedDictionary<int, long>> LatencyBuckets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>True when no call is counted.</summary>
    public bool IsEmpty => Calls == 0;

    /// <summary>The spans rollups are kept for: every hour, and every day (UTC) for long ranges.</summary>
    public static readonly IReadOnlyList<string> Spans = ["hour", "day"];

    /// <summary>The start of the hour or day (UTC) that holds <paramref name="at"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset at, string span)
    {
        var unit = span == "day" ? TimeSpan.TicksPerDay : TimeSpan.TicksPerHour;
        return new DateTimeOffset(at.UtcTicks - (at.UtcTicks % unit), TimeSpan.Zero);
    }

    /// <summary>The span, start, agent and persona a summary is counted under.</summary>
    public static RollupKey KeyOf(CallSummary s, string span) =>
        new(span, Floor(s.StartedAt, span), s.AgentName ?? "", s.Personas.Count > 0 ? s.Personas[^1] : "");

    /// <summary>Counts a summary in (<paramref name="sign"/> 1) or takes it out (-1).</summary>
    public void Add(CallSummary s, int sign)
    {
        Calls += sign;
        HandleSeconds += sign * s.HandleSeconds;
        TalkSeconds += sign * s.TalkSeconds.Values.Sum();
        HoldSeconds += sign * s.HoldSeconds;
        Completed += sign * (s.EndReason is { } reason && CompletedReasons.Contains(reason) ? 1 : 0);
        Contained += sign * (s.Contained ? 1 : 0);
        Transferred += sign * (s.Transfers > 0 || s.EndReason == "transferred" ? 1 : 0);
        Escalated += sign * (s.Escalations.Count > 0 ? 1 : 0);
        Intervened += sign * (s.Guidance + s.Takeovers > 0 ? 1 : 0);
        switch (s.Sentiment?.Mean)
        {
            case null:
                SentimentUnscored += sign;
                break;
            case < -SentimentBand:
                SentimentNegative += sign;
                break;
            case > SentimentBand:
                SentimentPositive += sign;
                break;
            default:
                SentimentNeutral += sign;
                break;
        }

        ToolErrorCalls += sign * (s.ToolErrors > 0 ? 1 : 0);
        AgentErrorCalls += sign * (s.EndReason == "agent_error" ? 1 : 0);
        Cost = Math.Round(Cost + sign * s.Cost.Total, 6);
        Histogram.Add(AnswerBuckets, s.AnswerBuckets, sign);
        foreach (var (stage, buckets) in s.LatencyBuckets)
        {
            if (!LatencyBuckets.TryGetValue(stage, out var into))
            {
                LatencyBuckets[stage] = into = [];
            }

            Histogram.Add(into, buckets, sign);
            if (into.Count == 0)
            {
                LatencyBuckets.Remove(stage);
            }
        }
    }

    /// <summary>Adds another rollup's sums into this one.</summary>
    public void Merge(CallRollup other)
    {
        Calls += other.Calls;
        HandleSeconds += other.HandleSeconds;
        TalkSeconds += other.TalkSeconds;
        HoldSeconds += other.HoldSeconds;
        Completed += other.Completed;
        Contained += other.Contained;
        Transferred += other.Transferred;
        Escalated += other.Escalated;
        Intervened += other.Intervened;
        SentimentNegative += other.SentimentNegative;
        SentimentNeutral += other.SentimentNeutral;
        SentimentPositive += other.SentimentPositive;
        SentimentUnscored += other.SentimentUnscored;
        ToolErrorCalls += other.ToolErrorCalls;
        AgentErrorCalls += other.AgentErrorCalls;
        Cost = Math.Round(Cost + other.Cost, 6);
        Histogram.Add(AnswerBuckets, other.AnswerBuckets, 1);
        foreach (var (stage, buckets) in other.LatencyBuckets)
        {
            if (!LatencyBuckets.TryGetValue(stage, out var into))
            {
                LatencyBuckets[stage] = into = [];
            }

            Histogram.Add(into, buckets, 1);
        }
    }
}

/// <summary>Which rollup: its span (hour or day), start, agent and persona.</summary>
public sealed record RollupKey(string Span, DateTimeOffset Start, string Agent, string Persona);
