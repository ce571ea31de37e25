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
}
