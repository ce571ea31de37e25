using Switchboard.Contracts.Events;

namespace Switchboard.Server.Archive;

/// <summary>
/// What an ended call came to, folded from its log by <see cref="CallSummaryProjection"/>. Every
/// time is the events' own <c>at</c>; docs/ARCHIVE.md defines each figure.
/// </summary>
public sealed record CallSummary
{
    /// <summary>The call.</summary>
    public required string CallId { get; init; }

    /// <summary>The seq the summary was folded up to (late events after the end fold in again).</summary>
    public long LastSeq { get; init; }

    /// <summary>The agent's name from <c>call.started</c>.</summary>
    public string? AgentName { get; init; }

    /// <summary>Every persona that spoke for the agent, in order (the agent's name, then each handoff's target).</summary>
    public IReadOnlyList<string> Personas { get; init; } = [];

    /// <summary>inbound, outbound or web.</summary>
    public string? Direction { get; init; }

    /// <summary>The caller's number (masked where people see it).</summary>
    public string? CallerNumber { get; init; }

    /// <summary>The caller's name.</summary>
    public string? CallerName { get; init; }

    /// <summary>When the call started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it ended.</summary>
    public string? EndReason { get; init; }

    /// <summary>From start to end.</summary>
    public double HandleSeconds { get; init; }

    /// <summary>Speech per party (customer, agent, supervisor, human_agent), from the segments' own times.</summary>
    public IReadOnlyDictionary<string, double> TalkSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Time callers held for escalations: from each request to its outcome (or the end).</summary>
    public double HoldSeconds { get; init; }

    /// <summary>Silences between speech longer than the dead-air threshold, summed.</summary>
    public double DeadAirSeconds { get; init; }

    /// <summary>How many such silences.</summary>
    public int DeadAirGaps { get; init; }

    /// <summary>The longest silence between speech, whatever the threshold.</summary>
    public double LongestSilenceSeconds { get; init; }

    /// <summary>No take-over and no transfer.</summary>
    public bool Contained { get; init; }

    /// <summary>Completed transfers.</summary>
    public int Transfers { get; init; }

    /// <summary>Escalations asked, answered, timed out, and the time to answer.</summary>
    public EscalationFigures Escalations { get; init; } = new();

    /// <summary>The answered escalations' times to answer in <see cref="Histogram"/> buckets of seconds.</summary>
    public SortedDictionary<int, long> AnswerBuckets { get; init; } = [];

    /// <summary>Guidance messages sent.</summary>
    public int Guidance { get; init; }

    /// <summary>Take-overs.</summary>
    public int Takeovers { get; init; }

    /// <summary>The customer's sentiment: first, last, lowest and mean score (-1 … 1), null without scores.</summary>
    public SentimentFigures? Sentiment { get; init; }

    /// <summary>The highest attention score an alert was raised with, null without alerts.</summary>
    public double? HighestAttention { get; init; }

    /// <summary>Alerts raised.</summary>
    public int Alerts { get; init; }

    /// <summary>Per-stage turn latency: endOfUtterance, stt, llmFirstToken, ttsFirstByte, endToEnd.</summary>
    public IReadOnlyDictionary<string, LatencyFigures> Latency { get; init; } = new Dictionary<string, LatencyFigures>();

    /// <summary>Per stage, the turns' latencies in <see cref="Histogram"/> buckets (bucket → turns), so analytics can add calls up.</summary>
    public IReadOnlyDictionary<string, SortedDictionary<int, long>> LatencyBuckets { get; init; } = new Dictionary<string, SortedDictionary<int, long>>();

    /// <summary>Turns with metrics.</summary>
    public int Turns { get; init; }

    /// <summary>Prompt tokens.</summary>
    public long TokensIn { get; init; }

    /// <summary>Completion tokens.</summary>
    public long TokensOut { get; init; }

    /// <summary>The call's cost from the price table, with its breakdown.</summary>
    public CostFigures Cost { get; init; } = new();

    /// <summary>Tool calls made.</summary>
    public int ToolCalls { get; init; }

    /// <summary>Tool calls that failed.</summary>
    public int ToolErrors { get; init; }

    /// <summary>The call's score: a supervisor's override, else the scorecard's, when the call was scored.</summary>
    public double? Score { get; init; }

    /// <summary>Scored below the threshold or failing a critical criterion: for review.</summary>
    public bool Flagged { get; init; }

    /// <summary>The scorecard result (the latest version the call was scored with).</summary>
    public ScorecardData? Scorecard { get; init; }

    /// <summary>A supervisor's review of the scorecard result (of the version in <see cref="Scorecard"/>), null until reviewed.</summary>
    public CallReview? Review { get; init; }

    /// <summary>The disposition a supervisor set.</summary>
    public string? Disposition { get; init; }

    /// <summary>Tags supervisors set.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Notes supervisors left, in order.</summary>
    public IReadOnlyList<CallNote> Notes { get; init; } = [];

    /// <summary>The call's recording through LiveKit Egress (status, where to play it, when its audio starts), null when none was asked for.</summary>
    public LiveKit.Egress.CallRecording? Recording { get; init; }

    /// <summary>The summary as a reader with this mask may see it: the caller's number and name and the notes masked.</summary>
    public CallSummary Masked(Redaction.DisplayMask mask) => mask.IsNone
        ? this
        : this with
        {
            CallerNumber = mask.Text(CallerNumber),
            CallerName = mask.Text(CallerName),
            Notes = [.. Notes.Select(n => n with { Text = mask.Text(n.Text) ?? "" })],
            Review = Review is { Note: { } note } review ? review with { Note = mask.Text(note) } : Review,
        };
}

/// <summary>A supervisor's verdict on the scorecard result: confirmed, or overridden with a score and a note.</summary>
public sealed record CallReview(string Verdict, double? Score, string? Note, string By, DateTimeOffset At);

/// <summary>A supervisor's note on a call.</summary>
public sealed record CallNote(string By, DateTimeOffset At, string Text);

/// <summary>Escalations of one call.</summary>
/// <param name="Count">Asked.</param>
/// <param name="Answered">Answered by a supervisor.</param>
/// <param name="TimedOut">Nobody answered in time.</param>
/// <param name="MeanSecondsToAnswer">Mean time from request to answer, of the answered ones.</param>
/// <param name="MaxSecondsToAnswer">Longest time from request to answer.</param>
public sealed record EscalationFigures(int Count = 0, int Answered = 0, int TimedOut = 0, double? MeanSecondsToAnswer = null, double? MaxSecondsToAnswer = null);

/// <summary>Sentiment scores of the customer's lines.</summary>
public sealed record SentimentFigures(double First, double Last, double Lowest, double Mean);

/// <summary>One stage's latency over the call's turns, in milliseconds (nearest-rank percentiles).</summary>
public sealed record LatencyFigures(int Turns, double P50, double P95, double Max);

/// <summary>What the call cost, by item, in the price table's currency.</summary>
public sealed record CostFigures(double Total = 0, double Llm = 0, double Stt = 0, double Tts = 0, double Telephony = 0);
