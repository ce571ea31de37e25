using System.Diagnostics;

namespace Switchboard.Server.Operations;

/// <summary>
/// The server's spans (<see cref="Source"/>, <c>Switchboard.Server</c>): <c>ingest</c> for each batch
/// an agent sends, with <c>commit</c> (until the batch is durable) and <c>fan-out</c> (ephemeral
/// events passed on at once) inside it. An HTTP batch's spans continue the agent's trace when the
/// request carries W3C <c>traceparent</c>; a WebSocket's batches continue the trace of its upgrade
/// request. Nothing is recorded unless a listener (an exporter) is attached (docs/OPERATIONS.md).
/// </summary>
public static class SwitchboardTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "Switchboard.Server";

    /// <summary>The activity source.</summary>
    public static readonly ActivitySource Source = new(SourceName, typeof(SwitchboardTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Tag: the call of a span, when it is about one call.</summary>
    public const string CallIdTag = "switchboard.call_id";

    /// <summary>Tag: how many events a span handles.</summary>
    public const string EventsTag = "switchboard.events";
}
