using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Contracts.Events;
using Switchboard.Server.Archive;

namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>
/// One call with known times and outcomes, as its agent sends it (seconds after <see cref="Events.T0"/>),
/// the price table it is costed with, and what its summary must say.
/// </summary>
public static class ArchiveFixture
{
    /// <summary>The price table and dead-air threshold of the fixture, as settings.</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Archive:DeadAirSeconds"] = "3",
        ["Archive:Prices:Models:gpt-4o-mini:PromptPer1K"] = "0.15",
        ["Archive:Prices:Models:gpt-4o-mini:CompletionPer1K"] = "0.6",
        ["Archive:Prices:SttPerMinute"] = "0.024",
        ["Archive:Prices:TtsPerMinute"] = "0.03",
        ["Archive:Prices:TelephonyPerMinute"] = "0.01",
    };

    /// <summary>The same as options.</summary>
    public static ArchiveOptions Options => new()
    {
        DeadAirSeconds = 3,
        Prices = new PriceTable
        {
            Models = new(StringComparer.OrdinalIgnoreCase) { ["gpt-4o-mini"] = new ModelPrice { PromptPer1K = 0.15, CompletionPer1K = 0.6 } },
            SttPerMinute = 0.024,
            TtsPerMinute = 0.03,
            TelephonyPerMinute = 0.01,
        },
    };

    /// <summary>A scorecard whose rules the call all passes: greeting, dead air (at most 60 s) and latency, weights 1 + 1 + 2.</summary>
    public static ScorecardOptions PassingScorecard => new()
    {
        Budget = new LatencyBudget { LlmFirstTokenMs = 1000, TtsFirstByteMs = 400, EndToEndMs = 2500 },
        MaxDeadAirSeconds = 60,
    };

    /// <summary>The agent's events of the call.</summary>
    public static JsonObject[] AgentEvents(string callId) =>
    [
        Events.Make(callId, "start", EventTypes.CallStarted, new { agentName = "greeter", direction = "inbound", caller = new { number = "+15550100", name = "Ada" } }, 0),
        Segment(callId, "a1", "agent", "Hello, thanks for calling", 1, 3),
        Segment(callId, "c1", "customer", "I would like a refund for my order", 4, 8),
        Events.Make(callId, "m1", EventTypes.MetricsTurn, new { turnId = "t1", endOfUtteranceMs = 300, sttMs = 200, llmTtftMs = 600, ttsTtfbMs = 250, e2eMs = 1400, promptTokens = 1000, completionTokens = 200, model = "gpt-4o-mini" }, 8),
        Events.Make(callId, "h1", EventTypes.AgentHandoff, new { from = "greeter", to = "billing" }, 9),
        Segment(callId, "a2", "agent", "Let me check that order", 9, 12),
        Events.Make(callId, "tc1", EventTypes.ToolCalled, new { toolCallId = "tc1", name = "lookup_order" }, 12),
        Events.Make(callId, "tr1", EventTypes.ToolResult, new { toolCallId = "tc1", name = "lookup_order", ok = false, error = "timeout", durationMs = 900 }, 13),
        // Silence from 12 s to 50 s: 38 s of dead air.
        Segment(callId, "c2", "customer", "Thanks, that helps", 50, 52),
        Events.Make(callId, "m2", EventTypes.MetricsTurn, new { turnId = "t2", endOfUtteranceMs = 500, sttMs = 300, llmTtftMs = 900, ttsTtfbMs = 350, e2eMs = 2100, promptTokens = 1500, completionTokens = 300, model = "gpt-4o-mini" }, 52),
        Events.Make(callId, "m3", EventTypes.MetricsTurn, new { turnId = "t3", e2eMs = 1800, promptTokens = 100, completionTokens = 10, model = "not-priced" }, 53),
        Events.Make(callId, "x1", EventTypes.TransferCompleted, new { destination = "billing desk", mode = "cold" }, 55),
        Events.Make(callId, "end", EventTypes.CallEnded, new { reason = "transferred" }, 60),
    ];

    /// <summary>Asserts what the summary of <see cref="AgentEvents"/> says, whatever the server added.</summary>
    /// <param name="s">The summary.</param>
    /// <param name="callerNumber">The caller's number as the reader may see it (masked for viewers).</param>
    public static void AssertAgentFigures(CallSummary s, string callerNumber = "+15550100")
    {
        Assert.Equal(("greeter", "inbound", callerNumber, "Ada"), (s.AgentName, s.Direction, s.CallerNumber, s.CallerName));
        Assert.Equal(["greeter", "billing"], s.Personas);
        Assert.Equal((Events.T0, (DateTimeOffset?)Events.T0.AddSeconds(60), "transferred"), (s.StartedAt, s.EndedAt, s.EndReason));
        Assert.Equal(60, s.HandleSeconds);
        Assert.Equal(new Dictionary<string, double> { ["agent"] = 5, ["customer"] = 6 }, s.TalkSeconds);
        Assert.Equal((38, 1), (s.DeadAirSeconds, s.DeadAirGaps));
        Assert.Equal((false, 1), (s.Contained, s.Transfers));
        Assert.Equal(3, s.Turns);
        Assert.Equal(new LatencyFigures(3, 1800, 2100, 2100), s.Latency["endToEnd"]);
        Assert.Equal(new LatencyFigures(2, 200, 300, 300), s.Latency["stt"]);
        Assert.Equal(new LatencyFigures(2, 600, 900, 900), s.Latency["llmFirstToken"]);
        Assert.Equal(new LatencyFigures(2, 250, 350, 350), s.Latency["ttsFirstByte"]);
        Assert.Equal(new LatencyFigures(2, 300, 500, 500), s.Latency["endOfUtterance"]);
        Assert.Equal((2600L, 510L), (s.TokensIn, s.TokensOut));
        // LLM (2,500 × 0.15 + 500 × 0.6) / 1,000 = 0.675 (the unpriced model costs nothing); STT 0.1 min × 0.024;
        // TTS 5/60 min × 0.03; telephony 1 min × 0.01.
        Assert.Equal(new CostFigures(0.6899, 0.675, 0.0024, 0.0025, 0.01), s.Cost);
        Assert.Equal((1, 1), (s.ToolCalls, s.ToolErrors));
    }

    /// <summary>Turns the events into what the log would hold: seqs in order, received an hour later than their own time.</summary>
    public static List<StoredEvent> Stored(IEnumerable<JsonObject> events) =>
    [
        .. events.Select((e, i) => new StoredEvent(
            (string)e["callId"]!,
            i + 1,
            (string)e["id"]!,
            (string)e["type"]!,
            DateTimeOffset.Parse((string)e["at"]!, System.Globalization.CultureInfo.InvariantCulture),
            Events.T0.AddHours(1),
            JsonSerializer.Deserialize<JsonElement>(e["data"]!.ToJsonString()))),
    ];

    private static JsonObject Segment(string callId, string id, string speaker, string text, int from, int to) =>
        Events.Make(callId, id, EventTypes.TranscriptFinal, new { speaker, segmentId = "seg-" + id, text, startedAt = Events.T0.AddSeconds(from), endedAt = Events.T0.AddSeconds(to) }, from);
}
