using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Supervision;

/// <summary>
/// Remembers successful interventions by (call, action, client request id) so a repeated request
/// returns the first answer without acting twice. Failures are not remembered: a retry re-checks.
/// </summary>
public sealed class InterventionLedger(IOptions<SupervisionOptions> options, TimeProvider clock)
{
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<string, (InterventionOutcome Outcome, long Until)> _done = new(StringComparer.Ordinal);

    /// <summary>The remembered outcome, if the request was carried out before.</summary>
    public InterventionOutcome? Find(string callId, string action, string? requestId)
    {
        if (requestId is null)
        {
            return null;
        }

        return _done.TryGetValue(Key(callId, action, requestId), out var entry) && entry.Until > clock.GetUtcNow().UtcTicks
            ? entry.Outcome
            : null;
    }

    /// <summary>Remembers a successful outcome.</summary>
    public void Remember(string callId, string action, string? requestId, InterventionOutcome outcome)
    {
        if (requestId is null || outcome.Result is null)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcTicks;
        if (_done.Count >= MaxEntries)
        {
            foreach (var (key, value) in _done)
            {
                if (value.Until <= now)
                {
                    _done.TryRemove(key, out _);
                }
            }
        }

        _done[Key(callId, action, requestId)] = (outcome, now + TimeSpan.FromMinutes(options.Value.RequestIdMinutes).Ticks);
    }

    private static string Key(string callId, string action, string requestId) => $"{callId}\n{action}\n{requestId}";
}
