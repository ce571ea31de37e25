namespace Switchboard.Simulation;

/// <summary>How a simulation runs.</summary>
public sealed class SimulationOptions
{
    /// <summary>Most calls at once.</summary>
    public int Concurrency { get; set; } = 20;

    /// <summary>New calls per second (of simulated time) while below <see cref="Concurrency"/>.</summary>
    public double CallsPerSecond { get; set; } = 1;

    /// <summary>Stop after this many calls have started; 0 for no limit.</summary>
    public int TotalCalls { get; set; }

    /// <summary>Stop starting calls after this long (wall clock); null for no limit.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Seed of every random choice: the same seed gives the same calls.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Multiplies every delay: 1 is real time, 0.01 runs a call a hundred times faster.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Prefix of the call ids, so that runs do not collide in one event log.</summary>
    public string RunId { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Only scenarios with these ids; empty for all.</summary>
    public IReadOnlyList<string> ScenarioIds { get; set; } = [];

    /// <summary>Overrides every scenario's crash share when set (tests).</summary>
    public double? CrashShare { get; set; }

    /// <summary>Overrides every scenario's hang-up share when set.</summary>
    public double? HangupShare { get; set; }

    /// <summary>Returns every problem at once; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Concurrency < 1)
        {
            errors.Add("concurrency must be at least 1");
        }

        if (CallsPerSecond <= 0)
        {
            errors.Add("rate must be positive");
        }

        if (TotalCalls < 0)
        {
            errors.Add("calls must not be negative");
        }

        if (TimeScale is <= 0 or > 100)
        {
            errors.Add("time-scale must be above 0 and at most 100");
        }

        if (CrashShare is < 0 or > 1 || HangupShare is < 0 or > 1)
        {
            errors.Add("shares must be between 0 and 1");
        }

        return errors;
    }
}
