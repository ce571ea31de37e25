using Switchboard.Sdk;
using Switchboard.Sdk.Commands;

namespace Switchboard.Agents.Runtime;

/// <summary>
/// Where an agent session reports and whence its supervisor's commands come: Switchboard through
/// the SDK (<see cref="SwitchboardCallLink"/>), or nothing when the agent runs alone
/// (<see cref="StandaloneCallLink"/>).
/// </summary>
public interface ICallLink : IDisposable
{
    /// <summary>The call's id.</summary>
    string CallId { get; }

    /// <summary>True when a supervisor can see and steer the call.</summary>
    bool IsSupervised { get; }

    /// <summary>Reports <c>call.started</c>.</summary>
    void CallStarted(CallDetails details);

    /// <summary>Reports <c>call.ended</c>.</summary>
    void CallEnded(CallEndReason reason, string? detail = null);

    /// <summary>Reports <c>participant.joined</c>.</summary>
    void ParticipantJoined(string identity, Speaker role, string? kind = null, string? name = null);

    /// <summary>Reports <c>agent.state</c>.</summary>
    void State(AgentState state);

    /// <summary>Reports <c>transcript.final</c>.</summary>
    void Transcript(Speaker speaker, string segmentId, string text, DateTimeOffset startedAt, DateTimeOffset endedAt);

    /// <summary>Reports <c>tool.called</c>.</summary>
    void ToolCalled(string toolCallId, string name, string argumentsJson);

    /// <summary>Reports <c>tool.result</c>.</summary>
    void ToolResult(string toolCallId, string name, bool ok, string? resultJson, string? error, double durationMs);

    /// <summary>Reports <c>metrics.turn</c>.</summary>
    void Turn(in TurnMetrics metrics);

    /// <summary>Reports <c>agent.handoff</c>.</summary>
    void Handoff(string? from, string to, string? reason);

    /// <summary>A line for the call's debug stream.</summary>
    void Debug(string message, string category);

    /// <summary>Reports a custom <c>x-</c> event.</summary>
    void Custom(string type, object data);

    /// <summary>Asks a supervisor while the caller holds.</summary>
    Task<EscalationResult> EscalateAsync(string question, string? topic, string? context, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Lets <paramref name="commands"/> carry out the supervisor's commands from now on.</summary>
    void Obey(ISupervisorCommands commands);
}

/// <summary>What a supervisor can make an agent session do (docs/SUPERVISION.md).</summary>
public interface ISupervisorCommands
{
    /// <summary><c>guide</c>: an instruction for the next reply.</summary>
    ValueTask GuideAsync(string text, string? by, CancellationToken cancellationToken);

    /// <summary><c>pause</c>: a take-over; stop speaking and generating, keep listening.</summary>
    ValueTask PauseAsync(CancellationToken cancellationToken);

    /// <summary><c>resume</c>: the hand-back, with what happened meanwhile.</summary>
    ValueTask ResumeAsync(string? summary, CancellationToken cancellationToken);

    /// <summary><c>say</c>: speak exactly this (the supervisor's words during a take-over by text).</summary>
    ValueTask SayAsync(string text, CancellationToken cancellationToken);

    /// <summary><c>end</c>: the supervisor ended the call.</summary>
    ValueTask EndAsync(string? reason, CancellationToken cancellationToken);

    /// <summary><c>transfer</c>: the call goes to a human; the AI's part ends.</summary>
    ValueTask TransferAsync(string destination, string mode, CancellationToken cancellationToken);
}

/// <summary>A session's link to Switchboard through the .NET SDK.</summary>
public sealed class SwitchboardCallLink(CallReporter call) : ICallLink
{
    /// <inheritdoc />
    public string CallId => call.CallId;

    /// <inheritdoc />
    public bool IsSupervised => true;

    /// <inheritdoc />
    public void CallStarted(CallDetails details) => call.CallStarted(details);

    /// <inheritdoc />
    public void CallEnded(CallEndReason reason, string? detail = null) => call.CallEnded(reason, detail);

    /// <inheritdoc />
    public void ParticipantJoined(string identity, Speaker role, string? kind = null, string? name = null) => call.ParticipantJoined(identity, role, kind, name);

    /// <inheritdoc />
    public void State(AgentState state) => call.AgentStateChanged(state);

    /// <inheritdoc />
    public void Transcript(Speaker speaker, string segmentId, string text, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        call.FinalTranscript(speaker, segmentId, text, startedAt, endedAt);

    /// <inheritdoc />
    public void ToolCalled(string toolCallId, string name, string argumentsJson) => call.ToolCalled(toolCallId, name, argumentsJson);

    /// <inheritdoc />
    public void ToolResult(string toolCallId, string name, bool ok, string? resultJson, string? error, double durationMs) =>
        call.ToolResult(toolCallId, name, ok, resultJson, error, durationMs);

    /// <inheritdoc />
    public void Turn(in TurnMetrics metrics) => call.TurnMetrics(metrics);

    /// <inheritdoc />
    public void Handoff(string? from, string to, string? reason) => call.Handoff(from, to, reason);

    /// <inheritdoc />
    public void Debug(string message, string category) => call.Debug(message, category);

    /// <inheritdoc />
    public void Custom(string type, object data) => call.Custom(type, data);

    /// <inheritdoc />
    public Task<EscalationResult> EscalateAsync(string question, string? topic, string? context, TimeSpan timeout, CancellationToken cancellationToken) =>
        call.EscalateAsync(question, topic, context, timeout, cancellationToken);

    /// <inheritdoc />
    public void Obey(ISupervisorCommands commands)
    {
        call.On<GuideCommand>((c, ct) => commands.GuideAsync(c.Text, c.By, ct));
        call.On<PauseCommand>((_, ct) => commands.PauseAsync(ct));
        call.On<ResumeCommand>((c, ct) => commands.ResumeAsync(c.Summary, ct));
        call.On<SayCommand>((c, ct) => commands.SayAsync(c.Text, ct));
        call.On<EndCommand>((c, ct) => commands.EndAsync(c.Reason, ct));
        call.On<TransferCommand>((c, ct) => commands.TransferAsync(c.Destination, c.Mode, ct));
    }

    /// <inheritdoc />
    public void Dispose() => call.Dispose();
}

/// <summary>
/// No Switchboard: the session reports nothing and no supervisor exists, so an escalation learns
/// at once that nobody is available.
/// </summary>
public sealed class StandaloneCallLink(string callId) : ICallLink
{
    /// <inheritdoc />
    public string CallId => callId;

    /// <inheritdoc />
    public bool IsSupervised => false;

    /// <inheritdoc />
    public void CallStarted(CallDetails details)
    {
    }

    /// <inheritdoc />
    public void CallEnded(CallEndReason reason, string? detail = null)
    {
    }

    /// <inheritdoc />
    public void ParticipantJoined(string identity, Speaker role, string? kind = null, string? name = null)
    {
    }

    /// <inheritdoc />
    public void State(AgentState state)
    {
    }

    /// <inheritdoc />
    public void Transcript(Speaker speaker, string segmentId, string text, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
    }

    /// <inheritdoc />
    public void ToolCalled(string toolCallId, string name, string argumentsJson)
    {
    }

    /// <inheritdoc />
    public void ToolResult(string toolCallId, string name, bool ok, string? resultJson, string? error, double durationMs)
    {
    }

    /// <inheritdoc />
    public void Turn(in TurnMetrics metrics)
    {
    }

    /// <inheritdoc />
    public void Handoff(string? from, string to, string? reason)
    {
    }

    /// <inheritdoc />
    public void Debug(string message, string category)
    {
    }

    /// <inheritdoc />
    public void Custom(string type, object data)
    {
    }

    /// <inheritdoc />
    public Task<EscalationResult> EscalateAsync(string question, string? topic, string? context, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult(new EscalationResult("standalone", EscalationOutcome.NoSupervisor, null, null, "This agent runs without Switchboard."));

    /// <inheritdoc />
    public void Obey(ISupervisorCommands commands)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
