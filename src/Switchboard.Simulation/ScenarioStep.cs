namespace Switchboard.Simulation;

/// <summary>One step of a script; exactly one of its parts is set.</summary>
public sealed class ScenarioStep
{
    /// <summary>The agent says one of these lines.</summary>
    public List<string>? Agent { get; set; }

    /// <summary>The caller says one of these lines.</summary>
    public List<string>? Customer { get; set; }

    /// <summary>What a frustrated caller says instead of <see cref="Customer"/>.</summary>
    public List<string>? Frustrated { get; set; }

    /// <summary>The agent calls a tool.</summary>
    public ToolStep? Tool { get; set; }

    /// <summary>Another persona takes the call.</summary>
    public HandoffStep? Handoff { get; set; }

    /// <summary>The agent asks a human and puts the caller on hold.</summary>
    public EscalateStep? Escalate { get; set; }

    /// <summary>One of several branches, by weight.</summary>
    public List<ScenarioBranch>? Choose { get; set; }

    /// <summary>The call ends here with this reason (completed, transferred…).</summary>
    public string? End { get; set; }
}

/// <summary>A branch of <see cref="ScenarioStep.Choose"/>.</summary>
public sealed class ScenarioBranch
{
    /// <summary>Relative frequency.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>The branch's steps.</summary>
    public List<ScenarioStep> Steps { get; set; } = [];
}

/// <summary>A tool call.</summary>
public sealed class ToolStep
{
    /// <summary>The tool's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Arguments, as JSON.</summary>
    public string? Arguments { get; set; }

    /// <summary>The result, as JSON.</summary>
    public string? Result { get; set; }

    /// <summary>Latency range in milliseconds [min, max].</summary>
    public List<double> LatencyMs { get; set; } = [80, 400];

    /// <summary>Share of calls where the tool fails.</summary>
    public double FailShare { get; set; } = 0.03;
}

/// <summary>A persona hand-off.</summary>
public sealed class HandoffStep
{
    /// <summary>The persona taking over.</summary>
    public string To { get; set; } = "";

    /// <summary>Why.</summary>
    public string? Reason { get; set; }
}

/// <summary>An escalation to a human.</summary>
public sealed class EscalateStep
{
    /// <summary>The question.</summary>
    public string Question { get; set; } = "";

    /// <summary>Routing topic.</summary>
    public string? Topic { get; set; }

    /// <summary>How long the caller holds before the agent gives up, in seconds (scaled by the time scale).</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>What the agent says when nobody answered in time.</summary>
    public string Fallback { get; set; } = "I couldn't reach a colleague right now; someone will call you back today.";
}
