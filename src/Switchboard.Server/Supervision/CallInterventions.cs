using System.Collections.Concurrent;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Storage;

namespace Switchboard.Server.Supervision;

/// <summary>
/// Carries out supervisor interventions on a call. Actions on one call run one at a time, so the
/// take-over check and the take-over itself cannot interleave; each is recorded as events in the
/// call's log and in the audit trail, and repeated request ids replay the first answer.
/// </summary>
public sealed class CallInterventions(
    LiveCalls live,
    InterventionLog log,
    IEventStore store,
    IInterventionLedger ledger,
    RoomInterventions rooms,
    AuditLog audit,
    TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Seq, DateTimeOffset At)> _takeovers = new(StringComparer.Ordinal);

    /// <summary>Runs one action under the call's lock with idempotency and audit.</summary>
    public async Task<InterventionOutcome> RunAsync(
        string callId,
        string action,
        string? requestId,
        Actor actor,
        Func<CallState, Task<InterventionOutcome>> act,
        CancellationToken cancellationToken)
    {
        if (requestId is { Length: > Limits.ShortText })
        {
            return InterventionOutcome.Problem(400, "Invalid request id", $"'requestId' may have at most {Limits.ShortText} characters.");
        }

        // The intervention's span holds its LiveKit API calls (HttpClient spans) when tracing is on.
        using var span = Operations.SwitchboardTracing.Source.StartActivity("intervention " + action);
        span?.SetTag(Operations.SwitchboardTracing.CallIdTag, callId);
        span?.SetTag("switchboard.actor", actor.Name);
        var gate = _locks.GetOrAdd(callId, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        InterventionOutcome outcome;
        try
        {
            if (await ledger.FindAsync(callId, action + "\n" + actor.Id, requestId, cancellationToken) is { } done)
            {
                return done;
            }

            outcome = await CurrentAsync(callId, cancellationToken) is { } call
                ? await act(call)
                : InterventionOutcome.Problem(404, "No such active call", $"No active call has id '{callId}'; it may have ended.");
            await ledger.RememberAsync(callId, action + "\n" + actor.Id, requestId, outcome, CancellationToken.None);
        }
        finally
        {
            gate.Release();
            if (live.Find(callId) is null)
            {
                // The call is over: forget its lock and take-over mark (a late waiter on the old lock finds no call either).
                _locks.TryRemove(callId, out _);
                _takeovers.TryRemove(callId, out _);
            }
        }

        span?.SetTag("switchboard.outcome", outcome.AuditOutcome);
        Operations.SwitchboardMetrics.Interventions.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", outcome.AuditOutcome));
        await audit.RecordAsync(actor, "call." + action, outcome.AuditOutcome, callId, callId, new { requestId, outcome.Result?.CommandId, problem = outcome.Detail });
        return outcome;
    }

    /// <summary>
    /// The state of an active call as of its last stored event. This node's live view folds
    /// another node's commits a moment after they are made, and a decision taken on it (is this
    /// supervisor already watching, who holds the call) could undo what another node just did:
    /// leave on one node and listen again at once on another, and the listen found the supervisor
    /// still watching and wrote nothing. So the events the view has not folded yet are read from
    /// the log and folded into a copy here (the whole call when another node started it a moment
    /// ago and this view has none of it yet); null when the call is not active.
    /// </summary>
    public async Task<CallState?> CurrentAsync(string callId, CancellationToken cancellationToken)
    {
        var call = live.Find(callId);
        while (true)
        {
            var unseen = await store.ReadAsync(callId, call?.LastSeq ?? 0, 1_000, cancellationToken);
            foreach (var e in unseen)
            {
                call = CallProjection.Apply(call, e);
            }

            if (call is null || call.Status == "ended")
            {
                return null;
            }

            if (unseen.Count < 1_000)
            {
                return call;
            }
        }
    }

    /// <summary>Watch the call: a hidden, subscribe-only LiveKit token, or transcript-only without LiveKit.</summary>
    public async Task<InterventionOutcome> ListenAsync(CallState call, Actor actor, string? requestId, CancellationToken cancellationToken)
    {
        SupervisorToken? token = null;
        if (rooms.Controls(call))
        {
            try
            {
                token = await rooms.ListenTokenAsync(call, actor, cancellationToken);
            }
            catch (LiveKitBridgeException ex)
            {
                return InterventionOutcome.Problem(ex.Status, ex.Title, ex.Message);
            }
        }

        if (!call.Supervisors.ContainsKey(actor.Name))
        {
            await log.AppendAsync(call.CallId, InterventionLog.Seed(actor, "listen", requestId), cancellationToken, (EventTypes.SupervisorJoined, new SupervisorPresenceData(actor.Name, "listen")));
        }

        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "listen", requestId, null, false, token is null ? "transcript" : "voice")
        {
            StreamUrl = $"/api/v1/calls/{Uri.EscapeDataString(call.CallId)}/stream",
            LiveKit = token,
        });
    }

    /// <summary>Stop watching.</summary>
    public async Task<InterventionOutcome> LeaveAsync(CallState call, Actor actor, string? requestId, CancellationToken cancellationToken)
    {
        if (call.TakeoverBy == actor.Name)
        {
            return InterventionOutcome.Problem(409, "Hand back first", "You hold this call; hand it back to the agent before leaving.");
        }

        if (call.Supervisors.ContainsKey(actor.Name))
        {
            await log.AppendAsync(call.CallId, InterventionLog.Seed(actor, "leave", requestId), cancellationToken, (EventTypes.SupervisorLeft, new SupervisorPresenceData(actor.Name, call.Supervisors[actor.Name])));
        }

        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "leave", requestId, null, false, "transcript"));
    }

    /// <summary>Send guidance text to the agent; it shows as applied once the agent acknowledges it.</summary>
    public async Task<InterventionOutcome> GuideAsync(CallState call, Actor actor, string text, string? requestId, CancellationToken cancellationToken)
    {
        var commandId = InterventionLog.CommandId(InterventionLog.Seed(actor, "guide", requestId));
        // The event goes first so that the agent's acknowledgement always finds it in the call's state.
        await log.AppendAsync(call.CallId, InterventionLog.Seed(actor, "guide", requestId), cancellationToken, (EventTypes.SupervisorGuidance, new GuidanceData(commandId, text, actor.Name)));
        var delivered = await log.SendAsync(call.CallId, commandId, CommandTypes.Guide, new { text, by = actor.Name }, cancellationToken);
        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "guide", requestId, commandId, delivered, "text"));
    }

    /// <summary>Take the call over: the agent pauses (stops generating and speaking, keeps listening).</summary>
    public async Task<InterventionOutcome> TakeoverAsync(CallState call, Actor actor, string? requestId, CancellationToken cancellationToken)
    {
        if (call.TakeoverBy is { } holder)
        {
            return holder == actor.Name
                ? InterventionOutcome.Ok(new InterventionResult(call.CallId, "takeover", requestId, null, false, Mode(call)))
                : InterventionOutcome.Problem(409, "Already taken over", $"{holder} holds this call; only one supervisor can take over at a time.");
        }

        // With LiveKit: the agent's voice is muted and the supervisor may publish before anything is recorded.
        if (rooms.Controls(call))
        {
            var (problem, agentLeftMuted) = await rooms.TakeOverAsync(call, actor, cancellationToken);
            if (problem is not null)
            {
                if (agentLeftMuted)
                {
                    await log.SendAsync(call.CallId, ServerEvent.NewId("cmd"), CommandTypes.Resume, new { summary = "The take-over did not happen.", by = actor.Name, unmuteSelf = true }, cancellationToken);
                }

                return problem;
            }
        }

        // The take-over's id is derived from how many the call has had, so two supervisors taking
        // it at once (on two nodes) store one event: the log decides, and the other is told who won.
        // A duplicate this node had already folded (and seen handed back) means the count was
        // behind, not that someone else won: the next count is tried.
        EventAck takeover;
        var generation = call.Takeovers + 1;
        while (true)
        {
            takeover = await log.AppendWithIdAsync(
                call.CallId, ServerEvent.StableId("ctl", $"{call.CallId}|takeover|{generation}"), EventTypes.ControlTakeover, new ControlData(actor.Name), cancellationToken);
            if (!takeover.Duplicate || await HolderAtAsync(call.CallId, takeover.Seq, cancellationToken) == actor.Name)
            {
                break;
            }

            if (takeover.Seq > call.LastSeq || generation > call.Takeovers + 3)
            {
                var winner = await HolderAtAsync(call.CallId, takeover.Seq, cancellationToken) ?? "another supervisor";
                return InterventionOutcome.Problem(409, "Already taken over", $"{winner} holds this call; only one supervisor can take over at a time.");
            }

            generation++;
        }

        await log.AppendAsync(
            call.CallId,
            InterventionLog.Seed(actor, "takeover", requestId),
            cancellationToken,
            (EventTypes.SupervisorJoined, new SupervisorPresenceData(actor.Name, "takeover")));
        _takeovers[call.CallId] = (takeover.Seq, clock.GetUtcNow());
        var commandId = InterventionLog.CommandId(InterventionLog.Seed(actor, "takeover", requestId));
        var delivered = await log.SendAsync(call.CallId, commandId, CommandTypes.Pause, new { reason = "takeover", by = actor.Name }, cancellationToken);
        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "takeover", requestId, commandId, delivered, Mode(call)));
    }

    /// <summary>Who took the call over with the <c>control.takeover</c> stored at <paramref name="seq"/>.</summary>
    private async Task<string?> HolderAtAsync(string callId, long seq, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(callId, seq - 1, 1, cancellationToken);
        return stored is [{ Type: EventTypes.ControlTakeover } e] && e.Data.TryGetProperty("by", out var by) ? by.GetString() : null;
    }

    /// <summary>During a take-over by text: words for the caller, spoken by the agent's voice as the supervisor's.</summary>
    public async Task<InterventionOutcome> SayAsync(CallState call, Actor actor, string text, string? requestId, CancellationToken cancellationToken)
    {
        if (call.TakeoverBy != actor.Name)
        {
            return NotHolder(call);
        }

        var commandId = InterventionLog.CommandId(InterventionLog.Seed(actor, "say", requestId));
        var delivered = await log.SendAsync(call.CallId, commandId, CommandTypes.Say, new { text, by = actor.Name }, cancellationToken);
        await log.AppendAsync(call.CallId, InterventionLog.Seed(actor, "say", requestId), cancellationToken, (EventTypes.TranscriptFinal, new TranscriptData("supervisor", commandId, text)));
        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "say", requestId, commandId, delivered, "text"));
    }

    /// <summary>Hand the call back: the agent resumes with a summary of what was said meanwhile.</summary>
    public async Task<InterventionOutcome> HandbackAsync(CallState call, Actor actor, string? note, string? requestId, CancellationToken cancellationToken)
    {
        if (call.TakeoverBy != actor.Name)
        {
            return NotHolder(call);
        }

        var unmuted = false;
        if (rooms.Controls(call))
        {
            var (problem, agentUnmuted) = await rooms.HandBackAsync(call, actor, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            unmuted = agentUnmuted;
        }

        var now = clock.GetUtcNow();
        var (seq, at) = _takeovers.TryRemove(call.CallId, out var t) ? t : (Math.Max(0, call.LastSeq - 200), now);
        var since = await store.ReadAsync(call.CallId, seq, 5000, cancellationToken);
        var summary = TakeoverSummary.Build(actor.Name, at, now, since, note);
        await log.AppendAsync(
            call.CallId,
            InterventionLog.Seed(actor, "handback", requestId),
            cancellationToken,
            (EventTypes.ControlHandback, new ControlData(actor.Name, summary)),
            (EventTypes.SupervisorJoined, new SupervisorPresenceData(actor.Name, "listen")));
        var commandId = InterventionLog.CommandId(InterventionLog.Seed(actor, "handback", requestId));
        // When LiveKit could not unmute the agent remotely, the agent unmutes its own track.
        var delivered = await log.SendAsync(call.CallId, commandId, CommandTypes.Resume, new { summary, by = actor.Name, unmuteSelf = rooms.Controls(call) && !unmuted }, cancellationToken);
        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "handback", requestId, commandId, delivered, Mode(call)) { Summary = summary });
    }

    /// <summary>End the call: the agent is told to end, and the call is closed as ended by a supervisor.</summary>
    public async Task<InterventionOutcome> EndAsync(CallState call, Actor actor, string? requestId, CancellationToken cancellationToken)
    {
        if (call.TakeoverBy is { } holder && holder != actor.Name)
        {
            return InterventionOutcome.Problem(409, "Call is taken over", $"{holder} holds this call; they must hand it back or end it.");
        }

        var commandId = InterventionLog.CommandId(InterventionLog.Seed(actor, "end", requestId));
        var delivered = await log.SendAsync(call.CallId, commandId, CommandTypes.End, new { reason = "supervisor_ended", by = actor.Name }, cancellationToken);
        await log.AppendAsync(call.CallId, InterventionLog.Seed(actor, "end", requestId), cancellationToken, (EventTypes.CallEnded, new CallEndedData("supervisor_ended", $"Ended by {actor.Name}.")));
        _takeovers.TryRemove(call.CallId, out _);
        var warning = rooms.Controls(call) ? await rooms.DeleteRoomAsync(call, cancellationToken) : null;
        return InterventionOutcome.Ok(new InterventionResult(call.CallId, "end", requestId, commandId, delivered, Mode(call)) { Warning = warning });
    }

    private string Mode(CallState call) => rooms.Controls(call) ? "voice" : "text";

    private static InterventionOutcome NotHolder(CallState call) => call.TakeoverBy is { } holder
        ? InterventionOutcome.Problem(409, "Not the holder", $"{holder} holds this call; only they can speak for it or hand it back.")
        : InterventionOutcome.Problem(409, "Not taken over", "Take the call over first.");
}
