using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Agent;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Ingest;
using Switchboard.Server.Knowledge;
using Switchboard.Server.Storage;
using Switchboard.Server.Supervision;

namespace Switchboard.Server.Escalations;

/// <summary>
/// The live help queue. A request is routed to the online supervisors whose skills match its topic;
/// when there are none the agent is told at once. One supervisor claims it; the answer, a timeout or
/// a cancellation is pushed to the agent as an <c>escalation.answer</c> command the moment it happens.
/// Every transition is decided under one lock, so an answer and a timeout cannot both win.
/// </summary>
public sealed partial class HelpQueue(
    IHelpRequestRecords store,
    KnowledgeBase knowledge,
    AgentCommandRouter commands,
    EventIngestor ingestor,
    OnlineSupervisors online,
    UserStore users,
    HelpQueueFeed feed,
    AuditLog audit,
    IOptions<EscalationOptions> options,
    IOptions<Storage.StorageOptions> storage,
    IEventStore log,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<HelpQueue> logger)
{
    /// <summary>
    /// With several nodes every node sees each request (the log's feed) and queues it for the
    /// supervisors online on any node; claims and answers are decided by the log (their event ids
    /// are derived from the request, so the second is a duplicate and is told who won).
    /// </summary>
    private readonly bool _shared = storage.Value.UsesPostgres;

    /// <summary>What <see cref="WinnerAsync"/> answers when the request's timeout was stored first.</summary>
    private const string TimedOut = "\u0000timeout";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (HelpRequest Request, CancellationTokenSource Timer)> _pending = new(StringComparer.Ordinal);

    /// <summary>An agent asked for help (an <c>escalation.requested</c> event was committed).</summary>
    public async Task OnRequestedAsync(StoredEvent e, CancellationToken cancellationToken)
    {
        using var span = Operations.SwitchboardTracing.Source.StartActivity("escalation requested");
        span?.SetTag(Operations.SwitchboardTracing.CallIdTag, e.CallId);
        var d = e.Data;
        var now = clock.GetUtcNow();
        var topic = d.Str("topic")?.Trim().ToLowerInvariant() is { Length: > 0 } t ? t : null;
        var seconds = Math.Clamp((d.Num("timeoutMs") ?? options.Value.DefaultTimeoutSeconds * 1000) / 1000, 0.05, options.Value.MaxTimeoutSeconds);
        var routed = Route(topic);
        // The id is derived from the agent's request, so every node gives it the same one.
        var request = new HelpRequest(
            DerivedId.Of("help", e.CallId, d.Str("requestId")!), e.CallId, d.Str("requestId")!, d.Str("question")!, topic, d.Str("context"),
            routed.Count == 0 ? HelpRequestStatus.Unavailable : HelpRequestStatus.Open, now, now.AddSeconds(seconds), routed);
        if (routed.Count == 0 && _shared && services.GetService<SupervisorPresenceSync>() is { } presence)
        {
            // Nobody as this node last heard: ask every node now before telling the agent so.
            await presence.RefreshAsync(cancellationToken);
            routed = Route(topic);
            request = request with { Status = routed.Count == 0 ? HelpRequestStatus.Unavailable : HelpRequestStatus.Open, RoutedTo = routed };
        }

        if (routed.Count == 0)
        {
            var reason = topic is null ? "No supervisor is online." : $"No supervisor who answers '{topic}' questions is online.";
            request = request with { ClosedAt = now, CloseReason = reason };
            if (_shared)
            {
                // Every node comes to this; the one whose cancellation the log stores tells the agent.
                var cancelled = await AppendAsync(request, EventTypes.EscalationCancelled, new EscalationData(request.RequestId, Reason: "no_supervisor_available"), cancellationToken);
                if (!cancelled.Duplicate)
                {
                    await store.InsertAsync(request, cancellationToken);
                    Tell(request, EscalationOutcomes.NoSupervisor, reason: reason);
                    feed.Publish(request);
                }
            }
            else if ((await store.InsertAsync(request, cancellationToken)).Inserted)
            {
                Tell(request, EscalationOutcomes.NoSupervisor, reason: reason);
                await AppendAsync(request, EventTypes.EscalationCancelled, new EscalationData(request.RequestId, Reason: "no_supervisor_available"), cancellationToken);
                feed.Publish(request);
            }

            return;
        }

        var (stored, inserted) = await store.InsertAsync(request, cancellationToken);
        // With several nodes the first node's insert stands; the others queue what it stored while
        // it is pending. On one node a request already there was handled before.
        if (!(inserted || (_shared && HelpRequestStatus.IsPending(stored.Status))) || !Track(_shared ? stored with { RoutedTo = routed } : request))
        {
            return;
        }

        feed.Publish(request);
    }

    /// <summary>A supervisor takes a request; 409 when someone else has it or it is closed.</summary>
    public async Task<QueueOutcome> ClaimAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        using var span = Operations.SwitchboardTracing.Source.StartActivity("escalation claim");
        span?.SetTag("switchboard.escalation_id", id);
        HelpRequest? claimed = null;
        lock (_gate)
        {
            if (_pending.TryGetValue(id, out var entry))
            {
                if (entry.Request.ClaimedBy is { } by)
                {
                    return by == actor.Name ? QueueOutcome.Ok(entry.Request) : Conflict($"{by} has already claimed this request.");
                }

                claimed = entry.Request with { Status = HelpRequestStatus.Claimed, ClaimedBy = actor.Name, ClaimedAt = clock.GetUtcNow() };
                _pending[id] = (claimed, entry.Timer);
            }
        }

        if (claimed is null)
        {
            return await NotPendingAsync(id, cancellationToken);
        }

        // With several nodes only the claim the log stores first is written down.
        if (!_shared)
        {
            await store.UpdateAsync(claimed, cancellationToken);
        }

        var ack = await AppendAsync(claimed, EventTypes.EscalationClaimed, new EscalationData(claimed.RequestId, By: actor.Name), cancellationToken);
        if (await WinnerAsync(claimed.CallId, ack, actor, cancellationToken) is { } winner)
        {
            Lost(id, winner);
            return Conflict($"{winner} has already claimed this request.");
        }

        if (_shared)
        {
            await store.UpdateAsync(claimed, cancellationToken);
        }

        await audit.RecordAsync(actor, "escalation.claim", "ok", id, claimed.CallId);
        feed.Publish(claimed);
        return QueueOutcome.Ok(claimed);
    }

    /// <summary>A supervisor answers (claiming it if nobody has): the agent receives the answer at once.</summary>
    public async Task<QueueOutcome> AnswerAsync(string id, Actor actor, string answer, CancellationToken cancellationToken)
    {
        using var span = Operations.SwitchboardTracing.Source.StartActivity("escalation answer");
        span?.SetTag("switchboard.escalation_id", id);
        HelpRequest? answered = null;
        var claimedNow = false;
        lock (_gate)
        {
            if (_pending.TryGetValue(id, out var entry))
            {
                if (entry.Request.ClaimedBy is { } holder && holder != actor.Name)
                {
                    return Conflict($"{holder} has claimed this request; only they can answer it.");
                }

                var now = clock.GetUtcNow();
                claimedNow = entry.Request.ClaimedBy is null;
                answered = entry.Request with
                {
                    Status = HelpRequestStatus.Answered,
                    ClaimedBy = actor.Name,
                    ClaimedAt = entry.Request.ClaimedAt ?? now,
                    Answer = answer,
                    AnsweredBy = actor.Name,
                    ClosedAt = now,
                };
                _pending.Remove(id);
                entry.Timer.Cancel();
                entry.Timer.Dispose();
            }
        }

        if (answered is null)
        {
            // The same answer again (a retried request) gets the same reply.
            return await store.GetAsync(id, cancellationToken) is { Status: HelpRequestStatus.Answered, AnsweredBy: var by, Answer: var a } done && by == actor.Name && a == answer
                ? QueueOutcome.Ok(done)
                : await NotPendingAsync(id, cancellationToken);
        }

        // The caller is holding: on one node the agent gets the answer before anything is written.
        // With several nodes the log decides first who answers, so the agent never hears two.
        if (!_shared)
        {
            Tell(answered, EscalationOutcomes.Answered, answer, actor.Name);
        }

        if (!_shared)
        {
            await store.UpdateAsync(answered, cancellationToken);
        }

        if (claimedNow)
        {
            var claim = await AppendAsync(answered, EventTypes.EscalationClaimed, new EscalationData(answered.RequestId, By: actor.Name), cancellationToken);
            if (await WinnerAsync(answered.CallId, claim, actor, cancellationToken) is { } claimer)
            {
                return Conflict($"{claimer} has claimed this request; only they can answer it.");
            }
        }

        var stored = await AppendAsync(answered, EventTypes.EscalationAnswered, new EscalationData(answered.RequestId, answered.Question, answered.Topic, Answer: answer, By: actor.Name), cancellationToken);
        if (await WinnerAsync(answered.CallId, stored, actor, cancellationToken) is { } answerer)
        {
            return Conflict(answerer == TimedOut ? "This request timed out before the answer was stored; the agent was told nobody answered in time." : $"{answerer} has already answered this request.");
        }

        if (_shared)
        {
            Tell(answered, EscalationOutcomes.Answered, answer, actor.Name);
            await store.UpdateAsync(answered, cancellationToken);
        }

        var entryId = (await knowledge.AddAnsweredAsync(answered.Question, answer, answered.Topic, answered.CallId, answered.RequestId, cancellationToken)).Id;
        await audit.RecordAsync(actor, "escalation.answer", "ok", id, answered.CallId, new { knowledgeEntry = entryId });
        feed.Publish(answered);
        return QueueOutcome.Ok(answered);
    }

    /// <summary>The call ended: its open requests are cancelled (the caller is gone).</summary>
    public async Task OnCallEndedAsync(string callId, string? reason, CancellationToken cancellationToken)
    {
        foreach (var request in await CloseAsync(r => r.CallId == callId, HelpRequestStatus.Cancelled, $"The call ended ({reason ?? "unknown"}).", persist: true))
        {
            // An agent still waiting (its end of the call may outlive the caller) stops waiting.
            Tell(request, EscalationOutcomes.Cancelled, reason: request.CloseReason);
            await AppendAsync(request, EventTypes.EscalationCancelled, new EscalationData(request.RequestId, Reason: reason == "caller_hangup" ? "caller_hangup" : "call_ended"), cancellationToken);
        }
    }

    /// <summary>
    /// A request's fate as the log has it: claimed, answered or timed out, maybe on another node.
    /// This node follows, so its supervisors see who has it and its timer never fires after an answer.
    /// </summary>
    public async Task OnDecidedAsync(string callId, string requestId, string type, string? by)
    {
        // The node whose event was stored wrote the outcome down; this one only follows.
        var id = DerivedId.Of("help", callId, requestId);
        switch (type)
        {
            case EventTypes.EscalationClaimed when by is not null:
                Lost(id, by);
                break;
            case EventTypes.EscalationAnswered:
                await CloseAsync(r => r.Id == id, HelpRequestStatus.Answered, by is null ? "Answered." : $"Answered by {by}.", persist: false);
                break;
            case EventTypes.EscalationTimedOut:
                await CloseAsync(r => r.Id == id, HelpRequestStatus.TimedOut, "Nobody answered in time.", persist: false);
                break;
        }
    }

    /// <summary>The agent withdrew its request (it sent <c>escalation.cancelled</c> itself).</summary>
    public Task OnWithdrawnAsync(string callId, string requestId) =>
        CloseAsync(r => r.CallId == callId && r.RequestId == requestId, HelpRequestStatus.Cancelled, "Withdrawn by the agent.", persist: true);

    /// <summary>How many requests are waiting for an answer (the help queue's depth).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The requests waiting for an answer, oldest first.</summary>
    public IReadOnlyList<HelpRequest> Pending()
    {
        lock (_gate)
        {
            return [.. _pending.Values.Select(p => p.Request).OrderBy(r => r.RequestedAt)];
        }
    }

    /// <summary>After a restart: requests still pending in the store are tracked again, or closed if their call is gone.</summary>
    public async Task RestoreAsync(Func<string, bool> callIsActive, CancellationToken cancellationToken)
    {
        foreach (var request in await store.ListAsync(pendingOnly: true, 10_000, cancellationToken))
        {
            if (callIsActive(request.CallId))
            {
                Track(request);
                continue;
            }

            var closed = request with { Status = HelpRequestStatus.Cancelled, ClosedAt = clock.GetUtcNow(), CloseReason = "The call ended while the server was down." };
            await store.UpdateAsync(closed, cancellationToken);
            await AppendAsync(closed, EventTypes.EscalationCancelled, new EscalationData(closed.RequestId, Reason: "call_ended"), cancellationToken);
        }
    }

    /// <summary>Queues a request and starts its timer; false when it is queued already.</summary>
    private bool Track(HelpRequest request)
    {
        var timer = new CancellationTokenSource();
        lock (_gate)
        {
            if (!_pending.TryAdd(request.Id, (request, timer)))
            {
                timer.Dispose();
                return false;
            }
        }

        var due = request.TimeoutAt - clock.GetUtcNow();
        _ = TimeOutAsync(request.Id, due > TimeSpan.Zero ? due : TimeSpan.Zero, timer.Token);
        return true;
    }

    private async Task TimeOutAsync(string id, TimeSpan due, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(due, clock, cancellationToken);
            var reason = "Nobody answered in time.";
            foreach (var request in await CloseAsync(r => r.Id == id, HelpRequestStatus.TimedOut, reason, persist: !_shared))
            {
                if (!_shared)
                {
                    Tell(request, EscalationOutcomes.TimedOut, reason: reason);
                }

                // With several nodes the answer and the timeouts of every node share one event id:
                // whichever the log stores first is the outcome, and only it reaches the agent.
                var outcome = await AppendAsync(request, EventTypes.EscalationTimedOut, new EscalationData(request.RequestId, Reason: reason), CancellationToken.None);
                if (_shared && !outcome.Duplicate)
                {
                    Tell(request, EscalationOutcomes.TimedOut, reason: reason);
                    await PersistAsync(request, reason);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Answered or cancelled first.
        }
        catch (Exception ex) when (ex is Storage.EventStoreUnavailableException or InvalidOperationException or System.Data.Common.DbException)
        {
            LogTimeoutFailed(ex, id);
        }
    }

    /// <summary>
    /// Takes the matching requests off the queue; when <paramref name="persist"/>, writes each
    /// outcome down and audits it (with several nodes, the node whose event the log stored does).
    /// </summary>
    private async Task<List<HelpRequest>> CloseAsync(Func<HelpRequest, bool> which, string status, string reason, bool persist)
    {
        List<HelpRequest> closed = [];
        lock (_gate)
        {
            foreach (var (id, entry) in _pending.Where(p => which(p.Value.Request)).ToList())
            {
                _pending.Remove(id);
                entry.Timer.Cancel();
                entry.Timer.Dispose();
                closed.Add(entry.Request with { Status = status, ClosedAt = clock.GetUtcNow(), CloseReason = reason });
            }
        }

        foreach (var request in closed)
        {
            if (persist)
            {
                await PersistAsync(request, reason);
            }

            feed.Publish(request);
        }

        return closed;
    }

    private async Task PersistAsync(HelpRequest request, string reason)
    {
        try
        {
            await store.UpdateAsync(request, CancellationToken.None);
        }
        catch (System.Data.Common.DbException ex)
        {
            // The record lags; the log has the outcome and the agent is still told.
            LogRecordFailed(ex, request.Id);
        }

        await audit.RecordAsync(Actor.System, "escalation." + request.Status, "ok", request.Id, request.CallId, new { reason });
    }

    private List<string> Route(string? topic) =>
        [.. online.UserIds.Select(users.Find)
            .Where(u => u is { DisabledAt: null } && Roles.Includes(u.Role, Roles.Supervisor) && (topic is null || u.HasSkill(topic)))
            .Select(u => u!.Username)
            .Order(StringComparer.Ordinal)];

    private void Tell(HelpRequest request, string outcome, string? answer = null, string? by = null, string? reason = null)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        Operations.SwitchboardMetrics.Escalations.Add(1, tag);
        Operations.SwitchboardMetrics.EscalationHold.Record(Math.Max(0, (clock.GetUtcNow() - request.RequestedAt).TotalSeconds), tag);
        commands.Send(new AgentCommand(
            ServerEvent.NewId("cmd"),
            request.CallId,
            CommandTypes.EscalationAnswer,
            JsonSerializer.SerializeToElement(new EscalationAnswerData(request.RequestId, outcome, answer, by, reason), ContractJson.Options)));
    }

    private async Task<EventAck> AppendAsync(HelpRequest request, string type, EscalationData data, CancellationToken cancellationToken)
    {
        // One outcome per request when nodes share the log: an answer and a timeout are the same event id.
        var id = _shared && type is EventTypes.EscalationAnswered or EventTypes.EscalationTimedOut ? $"{request.Id}_outcome" : $"{request.Id}_{type}";
        return (await ingestor.AppendServerEventsAsync([ServerEvent.Create(request.CallId, type, data, id, clock.GetUtcNow())], cancellationToken))[0];
    }

    /// <summary>Who stored the event first, when it was not <paramref name="actor"/> (another node's supervisor); null when this one won.</summary>
    private async Task<string?> WinnerAsync(string callId, EventAck ack, Actor actor, CancellationToken cancellationToken)
    {
        if (!ack.Duplicate)
        {
            return null;
        }

        var stored = await log.ReadAsync(callId, ack.Seq - 1, 1, cancellationToken);
        if (stored is [{ Type: EventTypes.EscalationTimedOut }])
        {
            return TimedOut;
        }

        var by = stored is [var e] && e.Data.TryGetProperty("by", out var b) ? b.GetString() : null;
        return by is null || by == actor.Name ? null : by;
    }

    /// <summary>Another node's supervisor won the request: this node shows it as theirs.</summary>
    private void Lost(string id, string winner)
    {
        lock (_gate)
        {
            if (_pending.TryGetValue(id, out var entry))
            {
                _pending[id] = (entry.Request with { ClaimedBy = winner }, entry.Timer);
            }
        }
    }

    private async Task<QueueOutcome> NotPendingAsync(string id, CancellationToken cancellationToken) => await store.GetAsync(id, cancellationToken) is { } r
        ? Conflict($"This request is {r.Status.Replace('_', ' ')}; it can no longer be claimed or answered.")
        : QueueOutcome.Problem(StatusCodes.Status404NotFound, "No such help request", $"No help request has id '{id}'.");

    private static QueueOutcome Conflict(string detail) => QueueOutcome.Problem(StatusCodes.Status409Conflict, "Conflict", detail);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "Could not write down the outcome of help request {Id}")]
    private partial void LogRecordFailed(Exception ex, string id);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "Could not time out help request {Id}")]
    private partial void LogTimeoutFailed(Exception ex, string id);
}
