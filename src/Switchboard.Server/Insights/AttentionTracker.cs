using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Insights;

/// <summary>
/// Keeps the attention score of each active call current on the live state, and decides when a
/// call crosses the alert threshold: one <c>alert.raised</c> per crossing, re-armed only after the
/// score has fallen below the threshold minus the hysteresis.
/// </summary>
public sealed class AttentionTracker(LiveCalls live, IOptions<InsightsOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, bool> _alerting = new(StringComparer.Ordinal);

    /// <summary>Re-evaluates the given calls at <paramref name="now"/>; returns the alerts to append.</summary>
    public IReadOnlyList<EventEnvelope> Evaluate(IEnumerable<string> callIds, DateTimeOffset now)
    {
        var o = options.Value;
        var silence = TimeSpan.FromSeconds(o.SilenceSeconds);
        List<EventEnvelope>? alerts = null;
        lock (_gate)
        {
            foreach (var callId in callIds)
            {
                if (live.Find(callId) is not { } state)
                {
                    _alerting.Remove(callId);
                    continue;
                }

                var attention = AttentionScorer.Assess(state, now, silence);
                if (!attention.IsSameAs(state.Attention))
                {
                    live.SetAttention(callId, attention);
                }

                // After a restart, a call whose last alert still stands is not alerted again.
                var alerting = _alerting.TryGetValue(callId, out var known)
                    ? known
                    : state.Signals.AlertsRaised > 0 && attention.Score >= o.AlertThreshold - o.AlertHysteresis;
                if (!alerting && attention.Score >= o.AlertThreshold)
                {
                    alerting = true;
                    (alerts ??= []).Add(Alert(state, attention, now));
                }
                else if (alerting && attention.Score < o.AlertThreshold - o.AlertHysteresis)
                {
                    alerting = false;
                }

                _alerting[callId] = alerting;
            }
        }

        return alerts ?? (IReadOnlyList<EventEnvelope>)[];
    }

    /// <summary>Re-evaluates every active call (time-based components grow without events).</summary>
    public IReadOnlyList<EventEnvelope> EvaluateAll(DateTimeOffset now)
    {
        var active = live.Active.Select(c => c.CallId).ToList();
        lock (_gate)
        {
            foreach (var gone in _alerting.Keys.Where(id => live.Find(id) is null).ToList())
            {
                _alerting.Remove(gone);
            }
        }

        return Evaluate(active, now);
    }

    private static EventEnvelope Alert(CallState state, AttentionView attention, DateTimeOffset now) => new()
    {
        // One alert per crossing; the seq it was computed at makes a retried append idempotent.
        Id = $"alert-{state.LastSeq}-{state.Signals.AlertsRaised + 1}",
        CallId = state.CallId,
        Type = EventTypes.AlertRaised,
        At = now,
        Data = JsonSerializer.SerializeToElement(new AlertRaisedData(attention.Score, attention.Reasons), ContractJson.Options),
    };
}
