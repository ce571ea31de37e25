using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Escalations;

/// <summary>Configuration section <c>Escalations</c>.</summary>
public sealed class EscalationOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Escalations";

    /// <summary>How long a caller holds when the agent gives no timeout.</summary>
    [Range(1, 3600)]
    public double DefaultTimeoutSeconds { get; set; } = 120;

    /// <summary>The longest hold accepted; longer requested timeouts are cut to it.</summary>
    [Range(1, 3600)]
    public double MaxTimeoutSeconds { get; set; } = 900;

    /// <summary>How many approved knowledge-base answers are suggested with an open request.</summary>
    [Range(0, 20)]
    public int QuickResponses { get; set; } = 3;

    /// <summary>
    /// The least match score (0 … 1, see <c>QuestionSimilarity.Match</c>) at which a knowledge-base
    /// answer is offered; below it nothing is suggested rather than an unrelated answer.
    /// </summary>
    [Range(0.0, 1.0)]
    public double QuickResponseMinMatch { get; set; } = 0.3;
}
