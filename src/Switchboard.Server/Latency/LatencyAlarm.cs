namespace Switchboard.Server.Latency;

/// <summary>
/// Decides, per stage, when the fleet's five-minute p95 raises its alert and when it clears: raised
/// once when the p95 goes over the budget with at least <see cref="MinTurns"/> turns in the window
/// (the p95 of fewer is their slowest: one slow turn in a quiet spell is not the fleet's latency);
/// cleared only when the p95 reads <see cref="ClearAtFraction"/> of the budget or less, or the window
/// has no turns of the stage, so a p95 hovering at the budget does not raise it again and again.
/// Not thread-safe: one caller evaluates.
/// </summary>
public sealed class LatencyAlarm
{
    /// <summary>Turns of a stage in the window below which its alert is not raised.</summary>
    public const int MinTurns = 20;

    /// <summary>The share of the budget the p95 must come down to before a raised alert clears.</summary>
    public const double ClearAtFraction = 0.9;

    private readonly Dictionary<string, DateTimeOffset> _since = new(StringComparer.Ordinal);

    /// <summary>When the stage's alert was raised, while it stands.</summary>
    public DateTimeOffset? AlertingSince(string stage) => _since.TryGetValue(stage, out var at) ? at : null;

    /// <summary>Applies the readings taken at <paramref name="now"/>; returns the alerts raised and cleared by them.</summary>
    public IReadOnlyList<AlarmChange> Next(IReadOnlyList<StageReading> readings, DateTimeOffset now)
    {
        List<AlarmChange>? changes = null;
        foreach (var r in readings)
        {
            var alerting = _since.ContainsKey(r.Stage);
            if (!alerting && r.Over && r.Turns >= MinTurns)
            {
                _since[r.Stage] = now;
                (changes ??= []).Add(new AlarmChange(r, Raised: true));
            }
            else if (alerting && (r.P95Ms is not { } p95 || p95 <= ClearAtFraction * r.BudgetMs))
            {
                _since.Remove(r.Stage);
                (changes ??= []).Add(new AlarmChange(r, Raised: false));
            }
        }

        return changes ?? (IReadOnlyList<AlarmChange>)[];
    }
}
