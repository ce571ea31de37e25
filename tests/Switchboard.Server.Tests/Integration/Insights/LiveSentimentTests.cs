using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Insights;

/// <summary>A customer utterance posted by an agent is scored live, and the wallboard reorders.</summary>
public sealed class LiveSentimentTests : IDisposable
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(20);

    private readonly SwitchboardApp _app = new();

    public LiveSentimentTests() => _app.Settings["Insights:Enabled"] = "true";

    public void Dispose() => _app.Dispose();

    private static object Event(string callId, string id, string type, object data, DateTimeOffset at) =>
        new { id, callId, type, at, data };

    private static async Task PostAsync(HttpClient agent, params object[] events)
    {
        using var response = await agent.PostAsJsonAsync("/api/v1/events", new { events }, ContractJson.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<SseFrame> NextAsync(IAsyncEnumerator<SseFrame> frames, Func<SseFrame, bool> match)
    {
        using var timeout = new CancellationTokenSource(StreamTimeout);
        while (await frames.MoveNextAsync().AsTask().WaitAsync(timeout.Token))
        {
            if (match(frames.Current))
            {
                return frames.Current;
            }
        }

        throw new InvalidOperationException("The stream ended before the expected frame.");
    }

    private static JsonElement Data(SseFrame frame) => JsonDocument.Parse(frame.Data).RootElement;

    private static List<string> CallIds(JsonElement calls) => calls.EnumerateArray().Select(c => c.GetProperty("callId").GetString()!).ToList();

    [Fact]
    public async Task A_customer_transcript_is_scored_in_the_call_stream_and_moves_the_call_to_the_top_of_the_wallboard()
    {
        _app.Settings["Insights:AlertThreshold"] = "50";
        var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        var t0 = DateTimeOffset.UtcNow;
        await PostAsync(
            agent,
            Event("SIM_calm", "c1", EventTypes.CallStarted, new { agentName = "support" }, t0),
            Event("SIM_upset", "u1", EventTypes.CallStarted, new { agentName = "support" }, t0.AddSeconds(1)));

        var before = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        Assert.Equal(["SIM_calm", "SIM_upset"], CallIds(before.GetProperty("calls")));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var callStream = SseReader.ReadAsync(viewer, "/api/v1/calls/SIM_upset/stream", cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);
        await using var wallboard = SseReader.ReadAsync(viewer, "/api/v1/wallboard/stream", cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);
        await NextAsync(callStream, f => f.Event == "caught-up");
        await NextAsync(wallboard, f => f.Event == "snapshot");

        await PostAsync(agent, Event(
            "SIM_upset",
            "u2",
            EventTypes.TranscriptFinal,
            new { speaker = "customer", segmentId = "seg-1", text = "This is ridiculous, I have been waiting an hour. Let me speak to a manager!" },
            t0.AddSeconds(5)));

        var scored = Data(await NextAsync(callStream, f => f.Event == EventTypes.SentimentScored));
        var data = scored.GetProperty("data");
        Assert.Equal("seg-1", data.GetProperty("segmentId").GetString());
        Assert.Equal("negative", data.GetProperty("label").GetString());
        Assert.True(data.GetProperty("score").GetDouble() < -0.05);
        Assert.Equal("switchboard-service-1", data.GetProperty("model").GetString());

        var alert = Data(await NextAsync(callStream, f => f.Event == EventTypes.AlertRaised)).GetProperty("data");
        Assert.True(alert.GetProperty("score").GetDouble() >= 50);
        Assert.Contains("caller asked for a human", alert.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        var change = Data(await NextAsync(wallboard, f =>
            f.Event == "call" && Data(f) is var c && c.GetProperty("callId").GetString() == "SIM_upset"
            && c.TryGetProperty("attention", out var a) && a.ValueKind == JsonValueKind.Object && a.GetProperty("score").GetDouble() >= 50));
        Assert.Equal(1, change.GetProperty("callSentiment").GetProperty("scored").GetInt32());
        Assert.True(change.GetProperty("callSentiment").GetProperty("score").GetDouble() < 0);

        var after = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        Assert.Equal(["SIM_upset", "SIM_calm"], CallIds(after.GetProperty("calls")));

        await using var fresh = SseReader.ReadAsync(viewer, "/api/v1/wallboard/stream", cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);
        var snapshot = Data(await NextAsync(fresh, f => f.Event == "snapshot"));
        Assert.Equal(["SIM_upset", "SIM_calm"], CallIds(snapshot.GetProperty("calls")));
    }

    [Fact]
    public async Task Scoring_a_late_utterance_does_not_revive_an_ended_call()
    {
        var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        var t0 = DateTimeOffset.UtcNow;
        await PostAsync(agent, Event("SIM_2", "e1", EventTypes.CallStarted, new { }, t0), Event("SIM_2", "e2", EventTypes.CallEnded, new { reason = "completed" }, t0));
        await PostAsync(agent, Event("SIM_2", "e3", EventTypes.TranscriptFinal, new { speaker = "customer", segmentId = "late", text = "Hello? Is anyone there?" }, t0));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stream = SseReader.ReadAsync(viewer, "/api/v1/calls/SIM_2/stream", cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);
        await NextAsync(stream, f => f.Event == EventTypes.SentimentScored);

        var active = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
        Assert.Empty(active.GetProperty("calls").EnumerateArray());
    }

    [Fact]
    public async Task Agent_lines_are_not_scored()
    {
        var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        var t0 = DateTimeOffset.UtcNow;
        await PostAsync(
            agent,
            Event("SIM_1", "e1", EventTypes.CallStarted, new { }, t0),
            Event("SIM_1", "e2", EventTypes.TranscriptFinal, new { speaker = "agent", segmentId = "a-1", text = "I am terribly sorry about that." }, t0),
            Event("SIM_1", "e3", EventTypes.TranscriptFinal, new { speaker = "customer", segmentId = "c-1", text = "Thanks, that's great." }, t0));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stream = SseReader.ReadAsync(viewer, "/api/v1/calls/SIM_1/stream", cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);
        var scored = Data(await NextAsync(stream, f => f.Event == EventTypes.SentimentScored)).GetProperty("data");
        Assert.Equal("c-1", scored.GetProperty("segmentId").GetString());
        Assert.Equal("positive", scored.GetProperty("label").GetString());
    }
}
