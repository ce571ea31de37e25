using System.Text.Json;
using Switchboard.Contracts.Commands;
using Switchboard.Contracts.Events;

namespace Switchboard.Contracts.Agent;

/// <summary>
/// One message of the agent WebSocket (<c>GET /api/v1/agent/ws</c>), in either direction. The
/// <see cref="Op"/> field says which of the optional fields are present (docs/PROTOCOL.md).
/// </summary>
public sealed class AgentMessage
{
    /// <summary>The operation: see <see cref="AgentOps"/>.</summary>
    public string? Op { get; set; }

    /// <summary>Client-chosen reference of a batch, echoed in its <c>ack</c> or <c>rejected</c>.</summary>
    public string? Ref { get; set; }

    /// <summary>Up: the events of a batch.</summary>
    public List<EventEnvelope?>? Events { get; set; }

    /// <summary>Up: calls whose commands this connection wants (subscribe / unsubscribe).</summary>
    public List<string>? CallIds { get; set; }

    /// <summary>Down: per-event results of an acknowledged batch, in batch order.</summary>
    public List<EventAck>? Results { get; set; }

    /// <summary>Down: a command for the agent.</summary>
    public AgentCommand? Command { get; set; }

    /// <summary>Down: what was wrong with a rejected batch or message (RFC 9457 shape).</summary>
    public JsonElement? Problem { get; set; }
}
