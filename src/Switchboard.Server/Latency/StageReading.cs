namespace Switchboard.Server.Latency;

/// <summary>
/// One stage of the fleet's window at a moment: its budget, how many turns reported it, and their
/// p95 as read from <see cref="BudgetBuckets"/> (null without turns); <see cref="Over"/> is exact.
/// </summary>
public sealed record StageReading(string Stage, double BudgetMs, int Turns, double? P95Ms, bool Over);
