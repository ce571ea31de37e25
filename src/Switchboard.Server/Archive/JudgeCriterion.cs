namespace Switchboard.Server.Archive;

/// <summary>A criterion judged by the model (<c>Scorecards:Judges:{id}</c>): its rubric, weight and criticality.</summary>
public sealed class JudgeCriterion
{
    /// <summary>What the call must do to pass, as the model is told it.</summary>
    public string Rubric { get; set; } = "";

    /// <summary>Its share of the score; 0 leaves it out.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>Failing it flags the call whatever the score.</summary>
    public bool Critical { get; set; }
}
