using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Switchboard.Contracts.Events;

namespace Switchboard.Server.Operations;

/// <summary>
/// The server's own instruments (meter <c>Switchboard.Server</c>): what happens (counters and
/// histograms, recorded where it happens). What is (active calls, queue depths, subscribers) is
/// observed by <see cref="ServerGauges"/>. Both are exported by OpenTelemetry: scraped on
/// <c>/metrics</c> in the Prometheus format and pushed over OTLP when configured
/// (docs/OPERATIONS.md lists every name). Nothing is measured unless an exporter listens.
/// </summary>
public static class SwitchboardMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Switchboard.Server";

    private static readonly Meter Meter = new(MeterName, typeof(SwitchboardMetrics).Assembly.GetName().Version?.ToString());

    private static readonly double[] ServerSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private static readonly double[] TurnSeconds = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 10, 20];
    private static readonly double[] HoldSeconds = [1, 5, 10, 20, 30, 60, 120, 300, 600, 1800];
    private static readonly double[] CallCosts = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>From an append request's queueing to its durable commit (what the caller waits for).</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "switchboard.store.commit.duration", "s", "From an append request's queueing to its durable commit.", advice: new() { HistogramBucketBoundaries = ServerSeconds });

    /// <summary>From the server receiving an event to writing it to a live stream.</summary>
    public static readonly Histogram<double> DeliveryDuration = Meter.CreateHistogram<double>(
        "switchboard.stream.delivery.duration", "s", "From the server receiving an event to writing it to a live stream (SSE).", advice: new() { HistogramBucketBoundaries = ServerSeconds });

    /// <summary>Subscribers closed because they fell behind their bounded buffer; tag <c>stream</c>.</summary>
    public static readonly Counter<long> Overflows = Meter.CreateCounter<long>(
        "switchboard.stream.overflows", "{subscriber}", "Live subscribers closed (or sent to the log) because they fell behind their buffer.");

    /// <summary>Supervisor interventions; tags <c>action</c> and <c>outcome</c>.</summary>
    public static readonly Counter<long> Interventions = Meter.CreateCounter<long>(
        "switchboard.interventions", "{intervention}", "Supervisor interventions by action and outcome (as audited).");

    /// <summary>Escalations by what became of them; tag <c>outcome</c>.</summary>
    public static readonly Counter<long> Escalations = Meter.CreateCounter<long>(
        "switchboard.escalations", "{escalation}", "Questions agents escalated (outcome requested) and what the agent was told: answered, no_supervisor, timed_out, cancelled.");

    /// <summary>How long a caller held for an escalation's answer; tag <c>outcome</c>.</summary>
    public static readonly Histogram<double> EscalationHold = Meter.CreateHistogram<double>(
        "switchboard.escalation.hold.duration", "s", "From an escalation's request to its answer, time-out or withdrawal.", advice: new() { HistogramBucketBoundaries = HoldSeconds });

    /// <summary>LiveKit webhooks received; tags <c>event</c> and <c>outcome</c>.</summary>
    public static readonly Counter<long> Webhooks = Meter.CreateCounter<long>(
        "switchboard.livekit.webhooks", "{webhook}", "LiveKit webhooks by event and outcome: applied, duplicate, refused, invalid, unavailable.");

    /// <summary>Reconciler passes; tag <c>outcome</c> (ok, failed).</summary>
    public static readonly Counter<long> ReconcilerPasses = Meter.CreateCounter<long>(
        "switchboard.reconciler.passes", "{pass}", "Passes comparing active calls with LiveKit's rooms.");

    /// <summary>Active calls the reconciler ended because their room was gone.</summary>
    public static readonly Counter<long> GhostCalls = Meter.CreateCounter<long>(
        "switchboard.reconciler.ghost_calls", "{call}", "Active calls whose LiveKit room no longer existed (lost webhooks); ended as reconciled.");

    /// <summary>Calls the reconciler found in LiveKit that Switchboard had not heard of.</summary>
    public static readonly Counter<long> DiscoveredCalls = Meter.CreateCounter<long>(
        "switchboard.reconciler.discovered_calls", "{call}", "Rooms with an agent that Switchboard had not heard of; started as calls.");

    /// <summary>Calls started (committed by this node).</summary>
    public static readonly Counter<long> CallsStarted = Meter.CreateCounter<long>(
        "switchboard.calls.started", "{call}", "Calls started, as committed by this node.");

    /// <summary>Calls ended; tag <c>reason</c>.</summary>
    public static readonly Counter<long> CallsEnded = Meter.CreateCounter<long>(
        "switchboard.calls.ended", "{call}", "Calls ended, by reason, as committed by this node.");

    /// <summary>Agent turns reported (<c>metrics.turn</c>).</summary>
    public static readonly Counter<long> Turns = Meter.CreateCounter<long>(
        "switchboard.agent.turns", "{turn}", "Agent turns reported with metrics.turn.");

    /// <summary>The agents' per-turn latency; tag <c>stage</c>.</summary>
    public static readonly Histogram<double> TurnLatency = Meter.CreateHistogram<double>(
        "switchboard.agent.turn.latency", "s", "Agents' per-turn latency by stage: end_of_utterance, stt, llm_first_token, llm_total, tts_first_byte, end_to_end.", advice: new() { HistogramBucketBoundaries = TurnSeconds });

    /// <summary>LLM tokens the agents reported; tags <c>kind</c> (prompt, completion) and <c>model</c>.</summary>
    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "switchboard.agent.tokens", "{token}", "LLM tokens reported by the agents, by kind and model.");

    /// <summary>Errors the agents reported; tag <c>type</c>.</summary>
    public static readonly Counter<long> AgentErrors = Meter.CreateCounter<long>(
        "switchboard.agent.errors", "{error}", "Errors reported by agents (x-*.error events, failed tool results, calls ended by agent_error), by type.");

    /// <summary>What ended calls came to, by component; tag <c>component</c>.</summary>
    public static readonly Counter<double> Cost = Meter.CreateCounter<double>(
        "switchboard.cost", "{cost}", "What archived calls came to, by component (llm, stt, tts, telephony), in the price table's currency.");

    /// <summary>What one archived call came to.</summary>
    public static readonly Histogram<double> CallCost = Meter.CreateHistogram<double>(
        "switchboard.call.cost", "{cost}", "What one archived call came to, in the price table's currency.", advice: new() { HistogramBucketBoundaries = CallCosts });

    private static readonly BoundedLabel ErrorTypes = new(32);
    private static readonly BoundedLabel Models = new(32);
    private static readonly BoundedLabel EndReasons = new(32);

    /// <summary>
    /// Gives the counters that alert rules watch a first sample of 0, so that a rule's <c>increase()</c> sees
    /// the first ghost call or error instead of a series that starts with it.
    /// </summary>
    public static void Start()
    {
        CallsStarted.Add(0);
        Turns.Add(0);
        GhostCalls.Add(0);
        DiscoveredCalls.Add(0);
        foreach (var stream in (string[])["call", "calls", "wallboard"])
        {
            Overflows.Add(0, new KeyValuePair<string, object?>("stream", stream));
        }
    }

    private static readonly BoundedLabel WebhookEvents = new(32);

    /// <summary>Counts a LiveKit webhook by its event (<c>unknown</c> before it is read) and outcome.</summary>
    public static void Webhook(string? webhookEvent, string outcome) =>
        Webhooks.Add(1, new KeyValuePair<string, object?>("event", WebhookEvents.Of(webhookEvent, "unknown")), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>
    /// Counts what agents and the server committed on this node: calls started and ended, turns
    /// and their latency by stage, tokens and errors. Only new events count (a resent duplicate
    /// does not), and only on the node that committed them, so several nodes' figures add up.
    /// </summary>
    public static void ObserveCommitted(IReadOnlyList<Storage.NewEvent> events, IReadOnlyList<Storage.AppendResult> results)
    {
        if (!Turns.Enabled && !CallsEnded.Enabled)
        {
            return;
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (!results[i].Duplicate)
            {
                Observe(events[i].Type, events[i].Data);
            }
        }
    }

    private static void Observe(string type, JsonElement data)
    {
        switch (type)
        {
            case EventTypes.CallStarted:
                CallsStarted.Add(1);
                return;
            case EventTypes.CallEnded:
                var reason = EndReasons.Of(Text(data, "reason"), "unknown");
                CallsEnded.Add(1, new KeyValuePair<string, object?>("reason", reason));
                if (reason == "agent_error")
                {
                    AgentErrors.Add(1, new KeyValuePair<string, object?>("type", "agent_error"));
                }

                return;
            case EventTypes.EscalationRequested:
                Escalations.Add(1, new KeyValuePair<string, object?>("outcome", "requested"));
                return;
            case EventTypes.MetricsTurn:
                ObserveTurn(data);
                return;
            case EventTypes.ToolResult when Text(data, "error") is not null || data.ValueKind == JsonValueKind.Object && data.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.False:
                AgentErrors.Add(1, new KeyValuePair<string, object?>("type", "tool_error"));
                return;
        }

        if (type.StartsWith(EventTypes.CustomPrefix, StringComparison.Ordinal) && type.EndsWith(".error", StringComparison.Ordinal))
        {
            // The integrations name the kind differently: kind (Node), type (C# agents), source (Python).
            var kind = Text(data, "kind") ?? Text(data, "type") ?? Text(data, "source");
            AgentErrors.Add(1, new KeyValuePair<string, object?>("type", ErrorTypes.Of(kind, "error")));
        }
    }

    private static void ObserveTurn(JsonElement data)
    {
        Turns.Add(1);
        if (data.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        Stage(data, "endOfUtteranceMs", "end_of_utterance");
        Stage(data, "sttMs", "stt");
        Stage(data, "llmTtftMs", "llm_first_token");
        Stage(data, "llmTotalMs", "llm_total");
        Stage(data, "ttsTtfbMs", "tts_first_byte");
        Stage(data, "e2eMs", "end_to_end");
        var model = Models.Of(Text(data, "model"), "unknown");
        TokenCount(data, "promptTokens", "prompt", model);
        TokenCount(data, "completionTokens", "completion", model);
    }

    private static void Stage(JsonElement data, string field, string stage)
    {
        if (data.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var ms) && ms >= 0)
        {
            TurnLatency.Record(ms / 1000, new KeyValuePair<string, object?>("stage", stage));
        }
    }

    private static void TokenCount(JsonElement data, string field, string kind, string model)
    {
        if (data.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0)
        {
            Tokens.Add(n, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("model", model));
        }
    }

    private static string? Text(JsonElement data, string field) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>
    /// A label whose values come from agents: only short lower-case words are kept, and at most
    /// <c>capacity</c> distinct ones, so that no sender can make the series grow without bound.
    /// </summary>
    internal sealed class BoundedLabel(int capacity)
    {
        private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);

        /// <summary>The label for <paramref name="value"/>: itself when allowed, <c>other</c> past the cap, <paramref name="missing"/> when absent.</summary>
        public string Of(string? value, string missing)
        {
            if (string.IsNullOrEmpty(value))
            {
                return missing;
            }

            if (_seen.TryGetValue(value, out var label))
            {
                return label;
            }

            if (!Allowed(value) || _seen.Count >= capacity)
            {
                return "other";
            }

            return _seen.GetOrAdd(value, value);
        }

        private static bool Allowed(string value)
        {
            if (value.Length > 48)
            {
                return false;
            }

            foreach (var c in value)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '.' or ':'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
