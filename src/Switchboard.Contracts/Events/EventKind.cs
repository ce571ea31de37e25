namespace Switchboard.Contracts.Events;

/// <summary>What the catalogue knows about one event type.</summary>
/// <param name="Type">The type name.</param>
/// <param name="DataType">The payload record, or null for custom types (opaque JSON).</param>
/// <param name="Durable">Stored with a sequence number (false: fanned out only).</param>
/// <param name="AgentMaySend">Agents may send it; otherwise only the server emits it.</param>
public sealed record EventKind(string Type, Type? DataType, bool Durable, bool AgentMaySend);
