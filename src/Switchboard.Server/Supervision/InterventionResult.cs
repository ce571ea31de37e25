namespace Switchboard.Server.Supervision;

/// <summary>The answer to an intervention.</summary>
/// <param name="CallId">The call.</param>
/// <param name="Action">listen, leave, guide, takeover, say, handback, transfer or end.</param>
/// <param name="RequestId">The client-supplied request id, if any; repeating it returns this answer again.</param>
/// <param name="CommandId">The command sent to the agent, if one was.</param>
/// <param name="Delivered">True when an agent connection for the call received the command now (otherwise it waits for the agent to reconnect).</param>
/// <param name="Mode">How it was carried out: <c>voice</c> (through LiveKit) or <c>text</c> / <c>transcript</c> (through the agent's channel only).</param>
public sealed record InterventionResult(string CallId, string Action, string? RequestId, string? CommandId, bool Delivered, string Mode)
{
    /// <summary>For listen: where to follow the call.</summary>
    public string? StreamUrl { get; init; }

    /// <summary>For handback: what the agent was told happened during the take-over.</summary>
    public string? Summary { get; init; }

    /// <summary>For listen with LiveKit: the URL, room, identity and hidden subscribe-only token to join with.</summary>
    public LiveKit.SupervisorToken? LiveKit { get; init; }

    /// <summary>Something that did not work out but did not stop the action (for example the room could not be deleted).</summary>
    public string? Warning { get; init; }

    /// <summary>For transfer: the destination name.</summary>
    public string? Destination { get; init; }
}
