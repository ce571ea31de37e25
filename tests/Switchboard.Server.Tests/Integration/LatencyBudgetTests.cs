using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>
/// The latency budget, live, through the real server: a call whose turns break it is flagged on the
/// wallboard with the stage that is over, and the fleet's five-minute p95 raises the stage's alert.
/// </summary>
public sealed class LatencyBudgetTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly SwitchboardApp _app = new();

    public void Dispose() => _app.Dispose();

    private static System.Text.Json.Nodes.JsonObject[] Turns(string callId, int count, int llmMs) =>
        [.. Enumerable.Range(0, count).Select(i => Events.Make(callId, $"turn-{i}", EventTypes.MetricsTurn, new { sttMs = 300, llmTtftMs = llmMs, ttsTtfbMs = 150, e2eMs = 600 + llmMs }))];

    private static JsonElement Stage(JsonElement latency, string stage) =>
        latency.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == stage);

    private static bool Flagged(JsonElement summary) => summary.TryGetProperty("overBudget", out var over) && over.ValueKind == JsonValueKind.Array;

    private static async Task<JsonElement> LatencyWhenAsync(HttpClient viewer, Func<JsonElement, bool> done)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var latency = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/latency", timeout.Token);
            if (done(latency))
            {
                return latency;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    [Fact]
    public async Task A_call_with_slow_turns_is_flagged_and_raises_the_stages_alert_and_a_fast_call_does_neither()
    {
        var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        await using var wallboard = await LiveStream.OpenAsync(viewer, "/api/v1/wallboard/stream", "snapshot");
        var snapshot = JsonDocument.Parse(wallboard.First!.Data).RootElement;
        Assert.Equal(["stt", "llmFirstToken", "ttsFirstByte", "endToEnd"], snapshot.GetProperty("latency").GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()));

        await Events.PostAsync(agent, [Events.Started("SIM_fast"), .. Turns("SIM_fast", 20, 500)]);
        var fastOnly = await LatencyWhenAsync(viewer, l => Stage(l, "llmFirstToken").GetProperty("turns").GetInt32() == 20);
        var llm = Stage(fastOnly, "llmFirstToken");
        Assert.False(llm.GetProperty("alerting").GetBoolean());
        Assert.False(llm.GetProperty("over").GetBoolean());
        Assert.Equal(0, llm.GetProperty("callsOver").GetInt32());

        await Events.PostAsync(agent, [Events.Started("SIM_slow"), .. Turns("SIM_slow", 20, 1200)]);
        // The wallboard may show the call after any of its turns (one slow turn flags a call of fewer than 20): wait for all 20.
        var slow = await wallboard.NextAsync("call", c => c.GetProperty("callId").GetString() == "SIM_slow" && Flagged(c)
            && c.GetProperty("overBudget").EnumerateArray().Any(b => b.GetProperty("turns").GetInt32() == 20));
        var breach = Assert.Single(slow.GetProperty("overBudget").EnumerateArray());
        Assert.Equal("llmFirstToken", breach.GetProperty("stage").GetString());
        Assert.Equal(1200, breach.GetProperty("p95Ms").GetDouble());
        Assert.Equal(800, breach.GetProperty("budgetMs").GetDouble());
        Assert.Equal(20, breach.GetProperty("turns").GetInt32());

        // 20 turns at 500 ms and 20 at 1,200: the p95 is 1,200, read as its bucket's upper bound.
        var alert = await wallboard.NextAsync("latency", l => Stage(l, "llmFirstToken").GetProperty("alerting").GetBoolean());
        llm = Stage(alert, "llmFirstToken");
        Assert.Equal(40, llm.GetProperty("turns").GetInt32());
        Assert.Equal(1241.1, llm.GetProperty("p95Ms").GetDouble());
        Assert.Equal(1, llm.GetProperty("callsOver").GetInt32());
        Assert.Equal(JsonValueKind.String, llm.GetProperty("alertingSince").ValueKind);
        Assert.All(["stt", "ttsFirstByte", "endToEnd"], s => Assert.False(Stage(alert, s).GetProperty("alerting").GetBoolean()));

        var calls = (await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls")).GetProperty("calls").EnumerateArray().ToDictionary(c => c.GetProperty("callId").GetString()!);
        Assert.True(Flagged(calls["SIM_slow"]));
        Assert.False(Flagged(calls["SIM_fast"]));
        var latency = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/latency");
        Assert.True(Stage(latency, "llmFirstToken").GetProperty("alerting").GetBoolean());
    }
}
