using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Sdk.Internal;

// The payload shapes of the agent-sent event types. Each writes the fields of its contract record
// (Switchboard.Contracts.Events) under the same camelCase names.

internal sealed class TranscriptEvent(CallReporter call, long at, bool final, Speaker speaker, string segmentId, string text, DateTimeOffset? startedAt, DateTimeOffset? endedAt, string? language)
    : QueuedEvent(call, final ? EventTypes.TranscriptFinal : EventTypes.TranscriptInterim, at)
{
    public override bool IsEphemeral => Type == EventTypes.TranscriptInterim;

    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("speaker", WireNames.Of(speaker));
        writer.WriteString("segmentId", segmentId);
        writer.WriteString("text", text);
        Optional(writer, "startedAt", startedAt);
        Optional(writer, "endedAt", endedAt);
        Optional(writer, "language", language);
    }
}

internal sealed class StateEvent(CallReporter call, long at, AgentState state) : QueuedEvent(call, EventTypes.AgentState, at)
{
    protected override void WriteData(Utf8JsonWriter writer) => writer.WriteString("state", WireNames.Of(state));
}

internal sealed class HandoffEvent(CallReporter call, long at, string? from, string to, string? reason) : QueuedEvent(call, EventTypes.AgentHandoff, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        Optional(writer, "from", from);
        writer.WriteString("to", to);
        Optional(writer, "reason", reason);
    }
}

internal sealed class ToolCalledEvent(CallReporter call, long at, string toolCallId, string name, string? argumentsJson)
    : QueuedEvent(call, EventTypes.ToolCalled, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("toolCallId", toolCallId);
        writer.WriteString("name", name);
        OptionalJson(writer, "arguments", argumentsJson);
    }
}

internal sealed class ToolResultEvent(CallReporter call, long at, string toolCallId, string name, bool ok, string? resultJson, string? error, double? durationMs)
    : QueuedEvent(call, EventTypes.ToolResult, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("toolCallId", toolCallId);
        writer.WriteString("name", name);
        writer.WriteBoolean("ok", ok);
        OptionalJson(writer, "result", resultJson);
        Optional(writer, "error", error);
        Optional(writer, "durationMs", durationMs);
    }
}

internal sealed class MetricsEvent(CallReporter call, long at, TurnMetrics metrics) : QueuedEvent(call, EventTypes.MetricsTurn, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        Optional(writer, "turnId", metrics.TurnId);
        Optional(writer, "endOfUtteranceMs", metrics.EndOfUtteranceMs);
        Optional(writer, "sttMs", metrics.SttMs);
        Optional(writer, "llmTtftMs", metrics.LlmTtftMs);
        Optional(writer, "llmTotalMs", metrics.LlmTotalMs);
        Optional(writer, "ttsTtfbMs", metrics.TtsTtfbMs);
        Optional(writer, "e2eMs", metrics.E2eMs);
        Optional(writer, "promptTokens", metrics.PromptTokens);
        Optional(writer, "completionTokens", metrics.CompletionTokens);
        Optional(writer, "model", metrics.Model);
    }
}

internal sealed class DebugEvent(CallReporter call, long at, string message, string? category) : QueuedEvent(call, EventTypes.Debug, at)
{
    public override bool IsEphemeral => true;

    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("message", message);
        Optional(writer, "category", category);
    }
}

internal sealed class HeartbeatEvent(CallReporter call, long at) : QueuedEvent(call, EventTypes.AgentHeartbeat, at)
{
    public override bool IsEphemeral => true;

    protected override void WriteData(Utf8JsonWriter writer)
    {
    }
}

internal sealed class ParticipantEvent(CallReporter call, long at, bool joined, string identity, Speaker role, string? kind, string? name)
    : QueuedEvent(call, joined ? EventTypes.ParticipantJoined : EventTypes.ParticipantLeft, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("identity", identity);
        writer.WriteString("role", WireNames.Of(role));
        Optional(writer, "kind", kind);
        Optional(writer, "name", name);
    }
}

internal sealed class CallEndedEvent(CallReporter call, long at, CallEndReason reason, string? detail) : QueuedEvent(call, EventTypes.CallEnded, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("reason", WireNames.Of(reason));
        Optional(writer, "detail", detail);
    }
}

internal sealed class CommandAckedEvent(CallReporter call, long at, string commandId, string? error) : QueuedEvent(call, EventTypes.CommandAcked, at)
{
    // Stable per command, so that acknowledging a redelivered command again is stored once.
    protected override string? ExplicitId => "ack-" + (commandId.Length > 100 ? commandId[..100] : commandId);

    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("commandId", commandId);
        writer.WriteBoolean("ok", error is null);
        Optional(writer, "error", error);
    }
}

internal sealed class EscalationEvent(CallReporter call, long at, bool requested, string requestId, string? question, string? topic, string? context, double? timeoutMs, string? reason)
    : QueuedEvent(call, requested ? EventTypes.EscalationRequested : EventTypes.EscalationCancelled, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("requestId", requestId);
        Optional(writer, "question", question);
        Optional(writer, "topic", topic);
        Optional(writer, "context", context);
        Optional(writer, "timeoutMs", timeoutMs);
        Optional(writer, "reason", reason);
    }
}

internal sealed class TransferEvent(CallReporter call, long at, bool completed, string destination, string mode, string? error)
    : QueuedEvent(call, completed ? EventTypes.TransferCompleted : EventTypes.TransferFailed, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        writer.WriteString("destination", destination);
        writer.WriteString("mode", mode);
        Optional(writer, "error", error);
    }
}

/// <summary>A custom <c>x-</c> event; its payload is serialised by the sender, off the agent's thread.</summary>
internal sealed class CustomEvent(CallReporter call, long at, string type, object? data) : QueuedEvent(call, type, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        if (data is null)
        {
            return;
        }

        using var document = JsonSerializer.SerializeToDocument(data, data.GetType(), ContractJson.Options);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            writer.WritePropertyName("value");
            document.RootElement.WriteTo(writer);
            return;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            property.WriteTo(writer);
        }
    }
}

internal sealed class CallStartedEvent(CallReporter call, long at, CallDetails details) : QueuedEvent(call, EventTypes.CallStarted, at)
{
    protected override void WriteData(Utf8JsonWriter writer)
    {
        Optional(writer, "roomName", details.RoomName);
        Optional(writer, "roomSid", details.RoomSid);
        Optional(writer, "agentName", details.AgentName);
        if (details.Direction is { } direction)
        {
            writer.WriteString("direction", WireNames.Of(direction));
        }

        if (details.CallerNumber is not null || details.CallerIdentity is not null || details.CallerName is not null)
        {
            writer.WritePropertyName("caller");
            writer.WriteStartObject();
            Optional(writer, "number", details.CallerNumber);
            Optional(writer, "identity", details.CallerIdentity);
            Optional(writer, "name", details.CallerName);
            writer.WriteEndObject();
        }

        OptionalJson(writer, "metadata", details.MetadataJson);
    }
}
