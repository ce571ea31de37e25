using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Supervision;

/// <summary>Configuration section <c>Supervision</c>.</summary>
public sealed class SupervisionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Supervision";

    /// <summary>Named transfer destinations (by language, department …).</summary>
    public Dictionary<string, TransferDestination> TransferDestinations { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a client-supplied request id is remembered for replaying its answer.</summary>
    [Range(1, 24 * 60)]
    public double RequestIdMinutes { get; set; } = 60;
}
