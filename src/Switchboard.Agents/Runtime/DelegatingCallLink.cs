using Switchboard.Sdk;

namespace Switchboard.Agents.Runtime;

/// <summary>
/// Passes everything to another link; override what you want to see or change (the console's
/// <c>--debug</c> echo, a benchmark's measurements).
/// </summary>
public class DelegatingCallLink(ICallLink inner) : ICallLink
{
    /// <inheritdoc />
    public string CallId => inner.CallId;

    /// <inheritdoc />
    public bool IsSupervised => inner.IsSupervised;

    /// <inheritdoc />
    public virtual void CallStarted(CallDetails details) => inner.CallStarted(details);

    /// <inheritdoc />
    public virtual void CallEnded(CallEndReason reason, string? detail = null) => inner.CallEnded(reason, detail);

    /// <inheritdoc />
    public virtual void ParticipantJoined(string identity, Speaker role, string? kind = null, string? name = null) => inner.ParticipantJoined(identity, role, kind, name);

    /// <inheritdoc />
    public virtual void State(AgentState state) => inner.State(state);

    /// <inheritdoc />
    public virtual void Transcript(Speaker speaker, string segmentId, string text, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        inner.Transcript(speaker, segmentId, text, startedAt, endedAt);

    /// <inheritdoc />
    public virtual void ToolCalled(string toolCallId, string name, string argumentsJson) => inner.ToolCalled(toolCallId, name, argumentsJson);

    /// <inheritdoc />
    public virtual void ToolResult(string toolCallId, string name, bool ok, string? resultJson, string? error, double durationMs) =>
        inner.ToolResult(toolCallId, name, ok, resultJson, error, durationMs);

    /// <inheritdoc />
    public virtual void Turn(in TurnMetrics metrics) => inner.Turn(metrics);

    /// <inheritdoc />
    public virtual void Handoff(string? from, string to, string? reason) => inner.Handoff(from, to, reason);

    /// <inheritdoc />
    public virtual void Debug(string message, string category) => inner.Debug(message, category);

    /// <inheritdoc />
    public virtual void Custom(string type, object data) => inner.Custom(type, data);

    /// <inheritdoc />
    public virtual Task<EscalationResult> EscalateAsync(string question, string? topic, string? context, TimeSpan timeout, CancellationToken cancellationToken) =>
        inner.EscalateAsync(question, topic, context, timeout, cancellationToken);

    /// <inheritdoc />
    public virtual void Obey(ISupervisorCommands commands) => inner.Obey(commands);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner link.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
    }
}
