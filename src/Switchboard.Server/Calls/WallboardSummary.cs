using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;
using Switchboard.Server.Redaction;

namespace Switchboard.Server.Calls;

/// <summary>What the wallboard shows of one active call.</summary>
public sealed record WallboardSummary(
    string CallId,
    string Status,
    DateTimeOffset StartedAt,
    long LastSeq,
    string? AgentName,
    string? Persona,
    string? AgentState,
    CallerInfo? Caller,
    TranscriptLine? LastLine,
    double? LastE2eMs,
    SentimentView? Sentiment,
    EscalationView? OpenEscalation,
    int Supervisors,
    string? TakeoverBy,
    int ToolErrors,
    string? EndReason,
    CallSentimentView? CallSentiment = null,
    AttentionView? Attention = null,
    IReadOnlyList<BudgetBreach>? OverBudget = null)
{
    /// <summary>Projects the summary from the call's state; <see cref="OverBudget"/> lists the stages over <paramref name="budget"/>.</summary>
    public static WallboardSummary From(CallState s, LatencyBudget budget) => new(
        s.CallId,
        s.Status,
        s.StartedAt,
        s.LastSeq,
        s.AgentName,
        s.Persona,
        s.AgentState,
        s.Caller,
        s.RecentTranscript.Count > 0 ? s.RecentTranscript[^1] : null,
        s.LastE2eMs,
        s.Sentiment,
        s.OpenEscalation,
        s.Supervisors.Count,
        s.TakeoverBy,
        s.ToolErrors,
        s.EndReason,
        s.CallSentiment,
        s.Attention,
        CallLatency.OverBudget(s.RecentLatency, budget));

    /// <summary>
    /// The summary as a caller with this mask may see it (the last line, the open question and the
    /// caller's details). Build it once per mask, not once per connection: texts are cached by the mask.
    /// </summary>
    public WallboardSummary Masked(DisplayMask mask)
    {
        if (mask.IsNone)
        {
            return this;
        }

        var (line, question, caller) = (LastLine?.Masked(mask), OpenEscalation?.Masked(mask), mask.Caller(Caller));
        return ReferenceEquals(line, LastLine) && ReferenceEquals(question, OpenEscalation) && ReferenceEquals(caller, Caller)
            ? this
            : this with { LastLine = line, OpenEscalation = question, Caller = caller };
    }
}
