using System.Text.Json;

namespace Switchboard.Server.Storage;

/// <summary>A validated durable event on its way into the log.</summary>
public sealed record NewEvent(string CallId, string Id, string Type, DateTimeOffset At, DateTimeOffset ReceivedAt, JsonElement Data, string? Traceparent = null);
