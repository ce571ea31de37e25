namespace Switchboard.Simulation;

/// <summary>
/// A scripted kind of call (a YAML file under <c>src/Switchboard.Agents/Scenarios/</c>; format in
/// docs/SDK.md). Each simulated call picks one by <see cref="Weight"/> and walks its steps.
/// </summary>
public sealed class Scenario
{
    /// <summary>Short identifier, used by <c>--scenario</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Human title.</summary>
    public string Title { get; set; } = "";

    /// <summary>Relative frequency among scenarios.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>The agent's name (as LiveKit would dispatch it).</summary>
    public string AgentName { get; set; } = "agent";

    /// <summary>The first persona speaking for the agent.</summary>
    public string Persona { get; set; } = "assistant";

    /// <summary>The LLM model named in turn metrics.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>inbound, outbound or web.</summary>
    public string Direction { get; set; } = "inbound";

    /// <summary>Share of callers who grow frustrated (their <c>frustrated</c> lines are used).</summary>
    public double FrustratedShare { get; set; } = 0.15;

    /// <summary>Share of callers who hang up part-way.</summary>
    public double HangupShare { get; set; } = 0.08;

    /// <summary>Share of agents that crash part-way without reporting the end.</summary>
    public double CrashShare { get; set; } = 0.03;

    /// <summary>Share of calls where <c>escalate</c> steps happen.</summary>
    public double EscalationShare { get; set; } = 0.3;

    /// <summary>The script.</summary>
    public List<ScenarioStep> Steps { get; set; } = [];
}
