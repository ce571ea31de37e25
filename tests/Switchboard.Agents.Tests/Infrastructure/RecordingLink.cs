using System.Collections.Concurrent;
using System.Text.Json;
using Switchboard.Agents.Runtime;
using Switchboard.Sdk;

namespace Switchboard.Agents.Tests.Infrastructure;

/// <summary>A call link that keeps every report as a line (for tests that need no server), and whose escalations answer as told.</summary>
public sealed class RecordingLink(string callId) : ICallLink
{
    private readonly ConcurrentQueue<string> _reports = new();

    public ISupervisorCommands? Commands { get; private set; }

    public Func<string, EscalationResult> Escalation { get; set; } = _ => new EscalationResult("esc_1", EscalationOutcome.NoSupervisor, null, null, null);

    public IReadOnlyList<string> Reports => [.. _reports];

    public List<TurnMetrics> Turns { get; } = [];

    public List<(string Type, string Json)> CustomEvents { get; } = [];

    public string CallId => callId;

    public bool IsSupervised => true;

    public void CallStarted(CallDetails details) => _reports.Enqueue("call.started");

    public void CallEnded(CallEndReason reason, string? detail = null) => _reports.Enqueue(detail is null ? $"call.ended {reason}" : $"call.ended {reason}: {detail}");

    public void ParticipantJoined(string identity, Speaker role, string? kind = null, string? name = null) => _reports.Enqueue($"participant.joined {role}");

    public void State(AgentState state) => _reports.Enqueue($"agent.state {state}");

    public void Transcript(Speaker speaker, string segmentId, string text, DateTimeOffset startedAt, DateTimeOffset endedAt) => _reports.Enqueue($"transcript {speaker}: {text}");

    public void ToolCalled(string toolCallId, string name, string argumentsJson) => _reports.Enqueue($"tool.called {name} {argumentsJson}");

    public void ToolResult(string toolCallId, string name, bool ok, string? resultJson, string? error, double durationMs) => _reports.Enqueue($"tool.result {name} {(ok ? "ok" : "error " + error)}");

    public void Turn(in TurnMetrics metrics)
    {
        lock (Turns)
        {
            Turns.Add(metrics);
        }

        _reports.Enqueue($"metrics.turn {metrics.Model}");
    }

    public void Handoff(string? from, string to, string? reason) => _reports.Enqueue($"agent.handoff {from} -> {to}");

    public void Debug(string message, string category) => _reports.Enqueue($"debug {category}: {message}");

    public void Custom(string type, object data)
    {
        lock (CustomEvents)
        {
            CustomEvents.Add((type, JsonSerializer.Serialize(data)));
        }

        _reports.Enqueue(type);
    }

    public Task<EscalationResult> EscalateAsync(string question, string? topic, string? context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _reports.Enqueue($"escalation {question}");
        return Task.FromResult(Escalation(question));
    }

    public void Obey(ISupervisorCommands commands) => Commands = commands;

    public void Dispose()
    {
    }
}
