namespace Switchboard.Contracts.Agent;

/// <summary>The <c>op</c> values of agent WebSocket messages.</summary>
public static class AgentOps
{
    /// <summary>Up: a batch of events. Answered by <see cref="Ack"/> or <see cref="Rejected"/>.</summary>
    public const string Events = "events";

    /// <summary>Up: receive the commands of these calls on this connection.</summary>
    public const string Subscribe = "subscribe";

    /// <summary>Up: stop receiving the commands of these calls.</summary>
    public const string Unsubscribe = "unsubscribe";

    /// <summary>Up: keep-alive; answered by <see cref="Pong"/>.</summary>
    public const string Ping = "ping";

    /// <summary>Down: the batch was committed; results carry each event's seq.</summary>
    public const string Ack = "ack";

    /// <summary>Down: the whole batch was refused; nothing of it was stored.</summary>
    public const string Rejected = "rejected";

    /// <summary>Down: a command for the agent.</summary>
    public const string Command = "command";

    /// <summary>Down: answer to <see cref="Ping"/>.</summary>
    public const string Pong = "pong";
}
