namespace Switchboard.Server.Calls;

/// <summary>A stage whose p95 over the call's recent turns (<c>turns</c> of them, at most 20) is over its budget.</summary>
public sealed record BudgetBreach(string Stage, double P95Ms, double BudgetMs, int Turns);
