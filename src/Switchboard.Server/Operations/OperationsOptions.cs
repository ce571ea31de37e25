namespace Switchboard.Server.Operations;

/// <summary>Configuration section <c>Operations</c>.</summary>
public sealed class OperationsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Operations";

    /// <summary>
    /// Lets <c>GET /metrics?gc=true</c> force a full garbage collection before reading the heap,
    /// for memory benchmarks. Off by default: a forced collection on request would be a way to
    /// slow the server down.
    /// </summary>
    public bool AllowGcOnMetrics { get; set; }
}
