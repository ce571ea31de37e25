namespace Switchboard.Sdk;

/// <summary>The agent's state, with the meanings of LiveKit's <c>lk.agent.state</c> attribute.</summary>
public enum AgentState
{
    /// <summary>The agent is starting and not yet ready to talk.</summary>
    Initializing,

    /// <summary>The agent is connected but not engaged in a turn.</summary>
    Idle,

    /// <summary>The agent is listening to the user.</summary>
    Listening,

    /// <summary>The agent is working out a reply (speech recognition finished, LLM or tools running).</summary>
    Thinking,

    /// <summary>The agent's speech is playing.</summary>
    Speaking,
}
