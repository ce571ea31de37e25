namespace Switchboard.Server.Latency;

/// <summary>A stage's alert raised (<see cref="Raised"/>) or cleared, with the reading that did it.</summary>
public sealed record AlarmChange(StageReading Reading, bool Raised);
