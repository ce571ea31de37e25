using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Demo;

/// <summary>
/// Configuration section <c>Demo</c>: a live simulated load driven through the agent SDK against
/// this server, so that a fresh checkout shows something at once. On in Development (the
/// <c>dotnet run</c> profile), off otherwise.
/// </summary>
public sealed class DemoOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Demo";

    /// <summary>Runs the simulated load.</summary>
    public bool Enabled { get; set; }

    /// <summary>Most simulated calls at once.</summary>
    [Range(1, 5000)]
    public int Concurrency { get; set; } = 12;

    /// <summary>New calls per second while below <see cref="Concurrency"/>.</summary>
    [Range(0.001, 1000)]
    public double CallsPerSecond { get; set; } = 0.5;

    /// <summary>Multiplies every delay of the simulated calls (1 is real time).</summary>
    [Range(0.001, 100)]
    public double TimeScale { get; set; } = 1;

    /// <summary>Seed of the simulation.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// <c>Demo:Llm</c>: with a model configured, some of the demo's calls are answered by the
    /// reference agents (docs/AGENTS.md) talking to a scripted caller instead of the simulator.
    /// </summary>
    public DemoLlmOptions Llm { get; set; } = new();
}

/// <summary>The model of the demo's agent calls (<c>Demo:Llm:*</c>); off while <see cref="BaseUrl"/> or <see cref="Model"/> is empty.</summary>
public sealed class DemoLlmOptions
{
    /// <summary>An OpenAI-compatible base URL, for example <c>https://api.openai.com/v1/</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Its API key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model.</summary>
    public string? Model { get; set; }

    /// <summary>A fallback model on the same endpoint.</summary>
    public string? FallbackModel { get; set; }

    /// <summary>Agent calls at once (taken from <see cref="DemoOptions.Concurrency"/>).</summary>
    [Range(1, 20)]
    public int Calls { get; set; } = 3;

    /// <summary>The scripted caller's pause before each line, in seconds (scaled by <see cref="DemoOptions.TimeScale"/>).</summary>
    [Range(0.01, 60)]
    public double PauseSeconds { get; set; } = 4;

    /// <summary>True when a model is configured.</summary>
    public bool IsConfigured => BaseUrl is not null && !string.IsNullOrWhiteSpace(Model);
}
