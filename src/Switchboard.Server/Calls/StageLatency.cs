using System.Collections.Immutable;

namespace Switchboard.Server.Calls;

/// <summary>
/// One stage of the latency budget over the call's recent turns: the last 20 values
/// (<see cref="CallLatency.Window"/>) its <c>metrics.turn</c> events reported, oldest first, and
/// their nearest-rank p95.
/// </summary>
public sealed record StageLatency(string Stage, double P95Ms, ImmutableArray<double> RecentMs);
