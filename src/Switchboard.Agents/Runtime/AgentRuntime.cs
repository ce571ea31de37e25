namespace Switchboard.Agents.Runtime;

/// <summary>
/// What every call of one agent line shares: its personas, its models (and their circuit
/// breakers), the knowledge base and the options. <see cref="OpenSession"/> answers one call.
/// </summary>
public sealed class AgentRuntime(PersonaSet personas, LlmRouter llm, IKnowledgeBase? knowledge = null, AgentOptions? options = null, TimeProvider? time = null)
{
    /// <summary>The personas.</summary>
    public PersonaSet Personas { get; } = personas;

    /// <summary>The models.</summary>
    public LlmRouter Llm { get; } = llm;

    /// <summary>The knowledge base; none when the agent runs alone.</summary>
    public IKnowledgeBase? Knowledge { get; } = knowledge;

    /// <summary>The session options.</summary>
    public AgentOptions Options { get; } = options ?? new AgentOptions();

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>A session for one call, reporting through <paramref name="link"/> and speaking through <paramref name="output"/>.</summary>
    public AgentSession OpenSession(ICallLink link, IAgentOutput output) => new(this, link, output);
}
