using Microsoft.Extensions.Logging;
using Switchboard.Sdk.Commands;
using Switchboard.Sdk.Internal;

namespace Switchboard.Sdk;

/// <summary>
/// Reports what happens on one call and receives the supervisors' commands for it. Get one from
/// <see cref="SwitchboardClient.OpenCall"/>. Every report method returns at once and never
/// throws: the event is queued and sent in the background (docs/SDK.md). Disposing stops the
/// call's heartbeats and commands but does not end the call: report <see cref="CallEnded"/> first.
/// </summary>
public sealed class CallReporter : IDisposable
{
    private readonly SwitchboardClient _client;
    private readonly CommandInbox _commands;
    private long _number;
    private long _lastReported;
    private long _droppedEphemeral;
    private long _droppedDurable;
    private int _disposed;
    private int _dropMarked;

    internal CallReporter(SwitchboardClient client, string callId, ILogger logger)
    {
        _client = client;
        CallId = callId;
        Nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        _commands = new CommandInbox(this, logger);
    }

    /// <summary>The call's id (the LiveKit room SID, or another unique id).</summary>
    public string CallId { get; }

    /// <summary>True after <see cref="CallEnded"/> was reported: no more heartbeats are sent.</summary>
    public bool IsEnded { get; private set; }

    internal string Nonce { get; }

    internal long LastReportedTicks => Interlocked.Read(ref _lastReported);

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Extension point for escalations (see <see cref="EscalationWaiters"/>).</summary>
    internal EscalationWaiters Escalations => _commands.Escalations;

    /// <summary>Reports <c>call.started</c>.</summary>
    /// <param name="details">What is known about the call; may be null.</param>
    public void CallStarted(CallDetails? details = null) => Enqueue(new CallStartedEvent(this, Now(), details ?? Empty));

    /// <summary>Reports <c>call.ended</c>; heartbeats stop.</summary>
    /// <param name="reason">Why the call ended.</param>
    /// <param name="detail">Optional free text.</param>
    public void CallEnded(CallEndReason reason, string? detail = null)
    {
        IsEnded = true;
        Enqueue(new CallEndedEvent(this, Now(), reason, detail));
    }

    /// <summary>Reports an interim (ephemeral) transcript: the words recognised so far in a segment.</summary>
    /// <param name="speaker">Who is speaking.</param>
    /// <param name="segmentId">The segment; interim and final transcripts of one utterance share it.</param>
    /// <param name="text">The text so far.</param>
    public void InterimTranscript(Speaker speaker, string segmentId, string text) =>
        Enqueue(new TranscriptEvent(this, Now(), final: false, speaker, segmentId, text, null, null, null));

    /// <summary>Reports a final transcript (durable) at the end of an utterance.</summary>
    /// <param name="speaker">Who spoke.</param>
    /// <param name="segmentId">The segment.</param>
    /// <param name="text">What was said.</param>
    /// <param name="startedAt">When the utterance started, if known.</param>
    /// <param name="endedAt">When it ended, if known.</param>
    /// <param name="language">Its language (BCP 47), if known.</param>
    public void FinalTranscript(Speaker speaker, string segmentId, string text, DateTimeOffset? startedAt = null, DateTimeOffset? endedAt = null, string? language = null) =>
        Enqueue(new TranscriptEvent(this, Now(), final: true, speaker, segmentId, text, startedAt, endedAt, language));

    /// <summary>Reports <c>agent.state</c> (LiveKit's <c>lk.agent.state</c>).</summary>
    /// <param name="state">The new state.</param>
    public void AgentStateChanged(AgentState state) => Enqueue(new StateEvent(this, Now(), state));

    /// <summary>Reports <c>agent.handoff</c>: one persona hands the call to another.</summary>
    /// <param name="from">The persona handing over, if any.</param>
    /// <param name="to">The persona taking over.</param>
    /// <param name="reason">Why.</param>
    public void Handoff(string? from, string to, string? reason = null) => Enqueue(new HandoffEvent(this, Now(), from, to, reason));

    /// <summary>Reports <c>tool.called</c>.</summary>
    /// <param name="toolCallId">The call's id (as given by the LLM).</param>
    /// <param name="name">The tool.</param>
    /// <param name="argumentsJson">The arguments as JSON (sent as a string if not valid JSON).</param>
    public void ToolCalled(string toolCallId, string name, string? argumentsJson = null) =>
        Enqueue(new ToolCalledEvent(this, Now(), toolCallId, name, argumentsJson));

    /// <summary>Reports <c>tool.result</c>.</summary>
    /// <param name="toolCallId">The tool call's id.</param>
    /// <param name="name">The tool.</param>
    /// <param name="ok">Whether it succeeded.</param>
    /// <param name="resultJson">The result as JSON, if any.</param>
    /// <param name="error">The error, when it failed.</param>
    /// <param name="durationMs">How long it took.</param>
    public void ToolResult(string toolCallId, string name, bool ok, string? resultJson = null, string? error = null, double? durationMs = null) =>
        Enqueue(new ToolResultEvent(this, Now(), toolCallId, name, ok, resultJson, error, durationMs));

    /// <summary>Reports <c>metrics.turn</c>, the latency of one turn.</summary>
    /// <param name="metrics">The figures, with LiveKit Agents' meanings.</param>
    public void TurnMetrics(in TurnMetrics metrics) => Enqueue(new MetricsEvent(this, Now(), metrics));

    /// <summary>Reports a line of the live debug stream (ephemeral).</summary>
    /// <param name="message">The line.</param>
    /// <param name="category">A category such as <c>prompt</c> or <c>tool</c>.</param>
    public void Debug(string message, string? category = null) => Enqueue(new DebugEvent(this, Now(), message, category));

    /// <summary>Reports <c>participant.joined</c>.</summary>
    /// <param name="identity">The participant identity.</param>
    /// <param name="role">Their role.</param>
    /// <param name="kind">LiveKit's participant kind (standard, sip, agent…), if known.</param>
    /// <param name="name">Display name.</param>
    public void ParticipantJoined(string identity, Speaker role, string? kind = null, string? name = null) =>
        Enqueue(new ParticipantEvent(this, Now(), joined: true, identity, role, kind, name));

    /// <summary>Reports <c>participant.left</c>.</summary>
    /// <param name="identity">The participant identity.</param>
    /// <param name="role">Their role.</param>
    /// <param name="kind">LiveKit's participant kind, if known.</param>
    public void ParticipantLeft(string identity, Speaker role, string? kind = null) =>
        Enqueue(new ParticipantEvent(this, Now(), joined: false, identity, role, kind, null));

    /// <summary>Reports <c>escalation.requested</c>: the agent asks a human while the caller holds.</summary>
    /// <param name="requestId">Unique id of the request; the answer command carries it.</param>
    /// <param name="question">The question.</param>
    /// <param name="topic">Routing topic.</param>
    /// <param name="context">What the agent knows so far.</param>
    /// <param name="timeout">How long the caller may hold.</param>
    public void EscalationRequested(string requestId, string question, string? topic = null, string? context = null, TimeSpan? timeout = null) =>
        Enqueue(new EscalationEvent(this, Now(), requested: true, requestId, question, topic, context, timeout?.TotalMilliseconds, null));

    /// <summary>Reports <c>escalation.cancelled</c>: the agent no longer needs the answer.</summary>
    /// <param name="requestId">The request.</param>
    /// <param name="reason">Why (for example <c>timeout</c>).</param>
    public void EscalationCancelled(string requestId, string? reason = null) =>
        Enqueue(new EscalationEvent(this, Now(), requested: false, requestId, null, null, null, null, reason));

    /// <summary>Reports <c>transfer.completed</c> or <c>transfer.failed</c>.</summary>
    /// <param name="destination">Where the call was transferred.</param>
    /// <param name="completed">True when it succeeded.</param>
    /// <param name="mode"><c>cold</c> or <c>warm</c>.</param>
    /// <param name="error">Why it failed.</param>
    public void TransferOutcome(string destination, bool completed, string mode = "cold", string? error = null) =>
        Enqueue(new TransferEvent(this, Now(), completed, destination, mode, error));

    /// <summary>Reports a custom event, stored as opaque JSON. The payload is serialised off the caller's thread.</summary>
    /// <param name="type">The type; must start with <c>x-</c> (otherwise the report is dropped and logged).</param>
    /// <param name="data">The payload (serialised with System.Text.Json, camelCase), or null.</param>
    public void Custom(string type, object? data = null)
    {
        if (!Contracts.Events.EventCatalog.IsCustom(type ?? ""))
        {
            _client.BadCustomType(type ?? "");
            return;
        }

        Enqueue(new CustomEvent(this, Now(), type!, data));
    }

    /// <summary>
    /// Asks a human while the caller holds. Reports <c>escalation.requested</c> and completes when the
    /// server pushes the outcome over the command channel — nothing polls: the supervisor's answer,
    /// at once <see cref="EscalationOutcome.NoSupervisor"/> when nobody who handles the topic is online,
    /// <see cref="EscalationOutcome.TimedOut"/> after <paramref name="timeout"/>, or
    /// <see cref="EscalationOutcome.Cancelled"/> when the call ended. If no outcome arrives a little
    /// after the timeout (the server is unreachable), the request is withdrawn and the result is a
    /// timeout. Cancelling the token withdraws the request (<c>escalation.cancelled</c>) and throws
    /// <see cref="OperationCanceledException"/>; nothing else throws.
    /// </summary>
    /// <param name="question">The question for a human, as the caller would understand it.</param>
    /// <param name="topic">Routes the request to supervisors with this skill (for example <c>billing</c>); null for anyone.</param>
    /// <param name="context">What the agent knows so far.</param>
    /// <param name="timeout">How long the caller may hold; two minutes when null.</param>
    /// <param name="cancellationToken">Withdraws the request.</param>
    /// <returns>The outcome; <see cref="EscalationResult.Answer"/> when answered.</returns>
    public async Task<EscalationResult> EscalateAsync(
        string question, string? topic = null, string? context = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var requestId = "esc_" + Guid.NewGuid().ToString("N");
        if (string.IsNullOrWhiteSpace(question))
        {
            return new EscalationResult(requestId, EscalationOutcome.Cancelled, null, null, "The question is empty.");
        }

        var hold = timeout is { } t && t > TimeSpan.Zero ? t : DefaultEscalationTimeout;
        var answer = Escalations.Register(requestId);
        EscalationRequested(requestId, question, topic, context, hold);
        EscalationAnswerCommand? outcome;
        try
        {
            // A little longer than the hold, so the server's own timeout (recorded in the call) normally comes first.
            outcome = await Escalations.WaitAsync(requestId, answer, hold + EscalationGrace, _client.Clock, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            EscalationCancelled(requestId, "withdrawn by the agent");
            throw;
        }

        if (outcome is null)
        {
            EscalationCancelled(requestId, "no outcome reached the agent in time");
            return new EscalationResult(requestId, EscalationOutcome.TimedOut, null, null, "No answer reached the agent in time.");
        }

        var kind = outcome.Outcome switch
        {
            Contracts.Commands.EscalationOutcomes.NoSupervisor => EscalationOutcome.NoSupervisor,
            Contracts.Commands.EscalationOutcomes.TimedOut => EscalationOutcome.TimedOut,
            Contracts.Commands.EscalationOutcomes.Cancelled => EscalationOutcome.Cancelled,
            _ => EscalationOutcome.Answered,
        };
        return new EscalationResult(requestId, kind, kind == EscalationOutcome.Answered ? outcome.Answer : null, outcome.By, outcome.Reason);
    }

    /// <summary>The call's commands, in arrival order, for callers that prefer a loop to handlers. Acknowledge each.</summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    public IAsyncEnumerable<SwitchboardCommand> ReadCommandsAsync(CancellationToken cancellationToken = default) =>
        _commands.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Handles commands of one type. Once a handler is registered, commands are handled in arrival
    /// order; each is acknowledged when its handler returns, or failed when it throws. Commands of a
    /// type without a handler are failed (register one for <see cref="SwitchboardCommand"/> to catch all).
    /// Use either handlers or <see cref="ReadCommandsAsync"/> for a call, not both.
    /// </summary>
    /// <typeparam name="TCommand">The command type, such as <see cref="GuideCommand"/>.</typeparam>
    /// <param name="handler">Applies the command.</param>
    public void On<TCommand>(Func<TCommand, CancellationToken, ValueTask> handler)
        where TCommand : SwitchboardCommand
    {
        ArgumentNullException.ThrowIfNull(handler);
        _commands.On(handler);
    }

    /// <summary>Stops the call's heartbeats and commands. Queued events are still delivered.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _commands.Close();
            _client.Forget(this);
        }
    }

    internal void CommandAcked(string commandId, string? error) => Enqueue(new CommandAckedEvent(this, Now(), commandId, error));

    internal void CommandAckedAgain(SwitchboardCommand command) => CommandAcked(command.CommandId, command.AckError);

    internal void Deliver(Contracts.Commands.AgentCommand command) => _commands.Deliver(command);

    internal void Heartbeat() => Enqueue(new HeartbeatEvent(this, Now()));

    internal void OnDropped(bool ephemeral)
    {
        Interlocked.Increment(ref ephemeral ? ref _droppedEphemeral : ref _droppedDurable);
        if (Interlocked.Exchange(ref _dropMarked, 1) == 0)
        {
            _client.MarkDropped(this);
        }
    }

    /// <summary>Takes the drop counts not reported yet.</summary>
    internal (long Ephemeral, long Durable) TakeDropped()
    {
        Interlocked.Exchange(ref _dropMarked, 0);
        return (Interlocked.Exchange(ref _droppedEphemeral, 0), Interlocked.Exchange(ref _droppedDurable, 0));
    }

    private long Now()
    {
        var now = _client.NowTicks();
        Interlocked.Exchange(ref _lastReported, now);
        return now;
    }

    private void Enqueue(QueuedEvent e)
    {
        e.Number = Interlocked.Increment(ref _number);
        _client.Enqueue(e);
    }

    private static readonly CallDetails Empty = new();
    private static readonly TimeSpan DefaultEscalationTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan EscalationGrace = TimeSpan.FromSeconds(5);
}
