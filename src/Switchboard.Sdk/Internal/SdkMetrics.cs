using System.Diagnostics.Metrics;

namespace Switchboard.Sdk.Internal;

/// <summary>The SDK's instruments (meter <c>Switchboard.Sdk</c>, docs/SDK.md).</summary>
internal static class SdkMetrics
{
    public static readonly Meter Meter = new("Switchboard.Sdk");

    public static readonly Histogram<double> AckLatency = Meter.CreateHistogram<double>(
        "switchboard.sdk.batch.ack_latency", "ms", "Time from sending a batch to its acknowledgement (after durable commit).");

    public static readonly Counter<long> Acknowledged = Meter.CreateCounter<long>(
        "switchboard.sdk.events.acknowledged", "{event}", "Events acknowledged by the server.");

    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>(
        "switchboard.sdk.events.dropped", "{event}", "Events dropped by the overflow policy or refused as invalid.");
}
