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

    /// <summary>
    /// Lets anyone read <c>GET /metrics</c>. Off by default: the figures (calls, load, memory)
    /// are for operators, so a scraper sends a viewer API key as a bearer token. Turn it on only
    /// where the port is reachable from a private monitoring network alone.
    /// </summary>
    public bool AnonymousMetrics { get; set; }

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed:
    /// addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>). Empty by default, and then the
    /// headers are ignored and the client address is the TCP peer. With a proxy listed, the login
    /// throttle, the audit trail and secure cookies see the caller behind it.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];
}
