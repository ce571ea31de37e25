namespace Switchboard.Server.Latency;

/// <summary>
/// One stage of <see cref="FleetLatency"/>: its budget; the turns in the window and their p95 (null
/// without turns; a bucket's upper bound, at most 5 % above the exact p95); <c>over</c>, exact,
/// when the p95 is over the budget now; <c>alerting</c> while its alert stands (raised once on
/// crossing, cleared at 90 % of the budget) and since when; and <c>callsOver</c>, how many active
/// calls are over the stage's budget on their own (their wallboard flag).
/// </summary>
public sealed record FleetStageLatency(
    string Stage,
    double BudgetMs,
    int Turns,
    double? P95Ms,
    bool Over,
    bool Alerting,
    DateTimeOffset? AlertingSince,
    int CallsOver);
