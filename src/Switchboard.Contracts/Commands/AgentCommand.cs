using System.Text.Json;

namespace Switchboard.Contracts.Commands;

/// <summary>A command from the server to an agent, over the agent's command channel.</summary>
/// <param name="CommandId">Unique id; the agent acknowledges with <c>command.acked</c>.</param>
/// <param name="CallId">The call it is for.</param>
/// <param name="Type">One of <see cref="CommandTypes"/>.</param>
/// <param name="Data">Type-specific payload.</param>
public sealed record AgentCommand(string CommandId, string CallId, string Type, JsonElement Data);
