using System.Collections.Immutable;
using Switchboard.Contracts.Events;
using Switchboard.Server.Redaction;

namespace Switchboard.Server.Calls;

/// <summary>The live view of one call, folded from its events by <see cref="CallProjection"/>.</summary>
public sealed record CallState
{
    public required string CallId { get; init; }

    /// <summary>"active" or "ended".</summary>
    public string Status { get; init; } = "active";

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public string? EndReason { get; init; }

    public long LastSeq { get; init; }

    /// <summary>When the server last received a durable event of the call.</summary>
    public DateTimeOffset LastEventAt { get; init; }

    public string? RoomName { get; init; }

    public string? RoomSid { get; init; }

    public string? AgentName { get; init; }

    public string? Direction { get; init; }

    public CallerInfo? Caller { get; init; }

    /// <summary>The persona now speaking for the agent (changes on handoff).</summary>
    public string? Persona { get; init; }

    public string? AgentState { get; init; }

    public DateTimeOffset? AgentStateSince { get; init; }

    public ImmutableDictionary<string, ParticipantView> Participants { get; init; } =
        ImmutableDictionary<string, ParticipantView>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The last few final transcript lines, oldest first.</summary>
    public ImmutableList<TranscriptLine> RecentTranscript { get; init; } = [];

    public EscalationView? OpenEscalation { get; init; }

    /// <summary>Supervisors watching or holding the call, by user.</summary>
    public ImmutableDictionary<string, string> Supervisors { get; init; } =
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public string? TakeoverBy { get; init; }

    /// <summary>Take-overs of the call so far: the next one's event id is derived from it, so two at once (on two nodes) store one.</summary>
    public int Takeovers { get; init; }

    public double? LastE2eMs { get; init; }

    public int Turns { get; init; }

    /// <summary>Per stage of the latency budget, the call's last 20 turns and their p95 (<see cref="CallLatency"/>).</summary>
    public ImmutableArray<StageLatency> RecentLatency { get; init; } = [];

    public int ToolErrors { get; init; }

    public SentimentView? Sentiment { get; init; }

    /// <summary>The rolling, recency-weighted sentiment of the caller and its trend.</summary>
    public CallSentimentView? CallSentiment { get; init; }

    /// <summary>Signals that the call may be going wrong (folded by <see cref="SignalProjection"/>).</summary>
    public CallSignals Signals { get; init; } = CallSignals.None;

    /// <summary>
    /// The attention score, set on the live state by the attention tracker (it depends on the
    /// clock, so the fold never sets it; a folded state carries the last one over).
    /// </summary>
    public AttentionView? Attention { get; init; }

    /// <summary>Commands sent and not yet acknowledged, and the last acknowledged ones.</summary>
    public ImmutableList<CommandView> Commands { get; init; } = [];

    /// <summary>The state as a caller with this mask may see it: every text that may carry personal data masked.</summary>
    public CallState Masked(DisplayMask mask)
    {
        if (mask.IsNone)
        {
            return this;
        }

        var participants = ImmutableDictionary.CreateBuilder<string, ParticipantView>(StringComparer.Ordinal);
        foreach (var p in Participants.Values)
        {
            // A SIP caller's identity is often its number (sip_+1…); two masked alike both stay listed.
            var shown = p with { Identity = mask.Text(p.Identity), Name = mask.Text(p.Name) };
            var key = shown.Identity;
            for (var n = 2; participants.ContainsKey(key); n++)
            {
                key = $"{shown.Identity}#{n}";
            }

            participants[key] = shown;
        }

        return this with
        {
            RoomName = mask.Text(RoomName),
            Caller = mask.Caller(Caller),
            Participants = participants.ToImmutable(),
            RecentTranscript = RecentTranscript.ConvertAll(l => l.Masked(mask)),
            OpenEscalation = OpenEscalation?.Masked(mask),
            Commands = Commands.ConvertAll(c => c with { Text = mask.Text(c.Text) }),
        };
    }
}

/// <summary>A participant of the call.</summary>
public sealed record ParticipantView(string Identity, string Role, string? Kind, string? Name, DateTimeOffset JoinedAt);

/// <summary>A final line of the transcript.</summary>
public sealed record TranscriptLine(long Seq, string Speaker, string Text, string SegmentId, DateTimeOffset At)
{
    public string? Sentiment { get; init; }

    public double? SentimentScore { get; init; }

    /// <summary>The line as a caller with this mask may see it.</summary>
    public TranscriptLine Masked(DisplayMask mask) => mask.Text(Text) is var text && ReferenceEquals(text, Text) ? this : this with { Text = text };
}

/// <summary>An escalation the caller is holding for.</summary>
public sealed record EscalationView(string RequestId, string Question, string? Topic, DateTimeOffset RequestedAt, string? ClaimedBy)
{
    /// <summary>The escalation as a caller with this mask may see it.</summary>
    public EscalationView Masked(DisplayMask mask) => mask.Text(Question) is var question && ReferenceEquals(question, Question) ? this : this with { Question = question };
}

/// <summary>The call's latest sentiment.</summary>
public sealed record SentimentView(string Label, double Score);

/// <summary>A supervisor command and whether the agent applied it.</summary>
public sealed record CommandView(string CommandId, string Kind, string? Text, DateTimeOffset SentAt, bool Applied);
