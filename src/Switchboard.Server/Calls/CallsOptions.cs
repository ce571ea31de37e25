using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Calls;

/// <summary>Configuration section <c>Calls</c>.</summary>
public sealed class CallsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Calls";

    /// <summary>
    /// An active call whose agent sent neither events nor heartbeats for this long is ended with
    /// reason <c>agent_error</c> by the lost-agent guard.
    /// </summary>
    [Range(1, 86_400)]
    public double AgentTimeoutSeconds { get; set; } = 60;

    /// <summary>How often the lost-agent guard looks.</summary>
    [Range(0.05, 3600)]
    public double GuardIntervalSeconds { get; set; } = 5;
}
