namespace Switchboard.Server.Supervision;

/// <summary>The answer to an intervention.</summary>
/// <param name="CallId">The call.</param>
/// <param name="Action">listen, leave, guide, takeover, say, handback, transfer or end.</param>
/// <param name="RequestId">The client-supplied request id, if any; repeating it returns this answer again.</param>
/// <param name="CommandId">The command sent to the agent, if one was.</param>
/// <param name="Delivered">True when an agent connection for the call received the command now (otherwise it waits for the agent to reconnect).</param>
/// <param name="Mode">How it was carried out: <c>voice</c> (through LiveKit) or <c>text</c>/<c>transcript</c> (through the agent's channel).</param>
public sealed record InterventionResult(string CallId, string Action, string? RequestId, string? CommandId, bool Delivered, string Mode)
{
    /// <summary>For listen: where to follow the call.</summary>
    public string? StreamUrl { get; init; }

    /// <summary>For handback: what the agent was told happened during the take-over.</summary>
    public string? Summary { get; init; }

    /// <summary>For listen and take-over with LiveKit: the LiveKit server URL.</summary>
    public string? LiveKitUrl { get; init; }

    /// <summary>For listen and take-over with LiveKit: the access token to join the room.</summary>
    public string? LiveKitToken { get; init; }

    /// <summary>For transfer: the destination name.</summary>
    public string? Destination { get; init; }
}
