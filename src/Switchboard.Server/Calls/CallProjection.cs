using Switchboard.Contracts.Events;

namespace Switchboard.Server.Calls;

/// <summary>Folds a call's events into its <see cref="CallState"/>. Pure: no clock, no I/O.</summary>
public static class CallProjection
{
    /// <summary>
    /// The version of this fold. Raise it whenever a change to the fold would give a stored
    /// snapshot (<see cref="CallSnapshotStore"/>) a different state: older snapshots are then folded again.
    /// </summary>
    public const int Version = 2;

    /// <summary>How many final transcript lines <see cref="CallState.RecentTranscript"/> keeps.</summary>
    public const int RecentLines = 20;

    /// <summary>How many commands <see cref="CallState.Commands"/> keeps.</summary>
    public const int RecentCommands = 10;

    /// <summary>Folds many events, starting from nothing.</summary>
    public static CallState? Fold(IEnumerable<StoredEvent> events)
    {
        CallState? state = null;
        foreach (var e in events)
        {
            state = Apply(state, e);
        }

        return state;
    }

    /// <summary>Applies one event. Ephemeral events do not change the state.</summary>
    public static CallState Apply(CallState? state, StoredEvent e)
    {
        state ??= new CallState { CallId = e.CallId, StartedAt = e.At };
        if (e.IsEphemeral)
        {
            return state;
        }

        var d = e.Data;
        var next = e.Type switch
        {
            EventTypes.CallStarted => state with
            {
                StartedAt = e.At,
                RoomName = d.Str("roomName") ?? state.RoomName,
                RoomSid = d.Str("roomSid") ?? state.RoomSid,
                AgentName = d.Str("agentName") ?? state.AgentName,
                Direction = d.Str("direction") ?? state.Direction,
                Caller = d.Obj("caller") is { } c ? new CallerInfo(c.Str("number"), c.Str("identity"), c.Str("name")) : state.Caller,
                Persona = state.Persona ?? d.Str("agentName"),
            },
            EventTypes.CallEnded => state.Status == "ended"
                ? state
                : state with { Status = "ended", EndedAt = e.At, EndReason = d.Str("reason"), AgentState = null },
            EventTypes.ParticipantJoined when d.Str("identity") is { } id => state with
            {
                Participants = state.Participants.SetItem(id, new ParticipantView(id, d.Str("role") ?? "customer", d.Str("kind"), d.Str("name"), e.At)),
            },
            EventTypes.ParticipantLeft when d.Str("identity") is { } id => state with { Participants = state.Participants.Remove(id) },
            EventTypes.TranscriptFinal => AddLine(state, e),
            EventTypes.AgentState => state with { AgentState = d.Str("state"), AgentStateSince = e.At },
            EventTypes.AgentHandoff => state with { Persona = d.Str("to") ?? state.Persona },
            EventTypes.ToolResult when d.Bool("ok") == false => state with { ToolErrors = state.ToolErrors + 1 },
            EventTypes.MetricsTurn => state with
            {
                LastE2eMs = d.Num("e2eMs") ?? state.LastE2eMs,
                Turns = state.Turns + 1,
                RecentLatency = CallLatency.Next(state.RecentLatency, d),
            },
            EventTypes.SentimentScored => ApplySentiment(state, e),
            EventTypes.EscalationRequested => state with
            {
                OpenEscalation = new EscalationView(d.Str("requestId") ?? e.Id, d.Str("question") ?? "", d.Str("topic"), e.At, null),
            },
            EventTypes.EscalationClaimed when state.OpenEscalation is { } open && open.RequestId == d.Str("requestId") =>
                state with { OpenEscalation = open with { ClaimedBy = d.Str("by") } },
            EventTypes.EscalationAnswered or EventTypes.EscalationTimedOut or EventTypes.EscalationCancelled
                when state.OpenEscalation?.RequestId == d.Str("requestId") => state with { OpenEscalation = null },
            EventTypes.SupervisorJoined when d.Str("user") is { } user => state with
            {
                Supervisors = state.Supervisors.SetItem(user, d.Str("mode") ?? "listen"),
            },
            EventTypes.SupervisorLeft when d.Str("user") is { } user => state with { Supervisors = state.Supervisors.Remove(user) },
            EventTypes.ControlTakeover => state with { TakeoverBy = d.Str("by"), Takeovers = state.Takeovers + 1 },
            EventTypes.ControlHandback => state with { TakeoverBy = null },
            EventTypes.SupervisorGuidance when d.Str("commandId") is { } commandId =>
                AddCommand(state, new CommandView(commandId, "guide", d.Str("text"), e.At, Applied: false)),
            EventTypes.CommandAcked when d.Str("commandId") is { } commandId => state with
            {
                Commands = state.Commands.ConvertAll(c => c.CommandId == commandId ? c with { Applied = true } : c),
            },
            _ => state,
        };
        // One copy for the seq, the signals and the rolling sentiment together (the fold runs on
        // the writer's thread for every event, and each copy of the state is some 400 bytes).
        var (signals, sentiment) = SignalProjection.Next(next, e);
        return next with { LastSeq = e.Seq, LastEventAt = e.ReceivedAt, Signals = signals, CallSentiment = sentiment };
    }

    private static CallState AddLine(CallState state, StoredEvent e)
    {
        var d = e.Data;
        var line = new TranscriptLine(e.Seq, d.Str("speaker") ?? "customer", d.Str("text") ?? "", d.Str("segmentId") ?? e.Id, e.At);
        var lines = state.RecentTranscript.Add(line);
        if (lines.Count > RecentLines)
        {
            lines = lines.RemoveRange(0, lines.Count - RecentLines);
        }

        return state with { RecentTranscript = lines };
    }

    private static CallState ApplySentiment(CallState state, StoredEvent e)
    {
        var d = e.Data;
        var label = d.Str("label") ?? "neutral";
        var score = d.Num("score") ?? 0;
        var segment = d.Str("segmentId");
        var lines = state.RecentTranscript;
        // The scored line is nearly always the newest: look from the end, and replace only it.
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].SegmentId == segment)
            {
                lines = lines.SetItem(i, lines[i] with { Sentiment = label, SentimentScore = score });
            }
        }

        return state with { RecentTranscript = lines, Sentiment = new SentimentView(label, score) };
    }

    private static CallState AddCommand(CallState state, CommandView command)
    {
        var commands = state.Commands.Add(command);
        if (commands.Count > RecentCommands)
        {
            commands = commands.RemoveRange(0, commands.Count - RecentCommands);
        }

        return state with { Commands = commands };
    }
}
