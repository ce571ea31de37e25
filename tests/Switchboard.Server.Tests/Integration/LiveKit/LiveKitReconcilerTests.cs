using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.LiveKit;

public sealed class LiveKitReconcilerTests : IAsyncLifetime
{
    private static readonly TimeSpan StreamLimit = TimeSpan.FromSeconds(20);
    private LiveKitApiDouble _api = null!;

    public async Task InitializeAsync() => _api = await LiveKitApiDouble.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task EveryWebhookLost_TheReconcilerEndsTheCallWhoseRoomIsGone()
    {
        using var app = LiveKitSetup.App(_api, reconcileSeconds: 0.3);
        _api.AddRoom("RM_ghost", "call-ghost").Add("agent-g", "AGENT", "TR_g");
        using var agent = app.ClientWithKey(app.CreateKey("agent"));
        using var viewer = app.ClientWithKey(app.CreateKey("viewer"));
        await LiveKitSetup.AgentStartsCallAsync(agent, "RM_ghost", "call-ghost");
        await LiveKitSetup.AgentStartsCallAsync(agent, "console-1", "no-livekit");
        using var cts = new CancellationTokenSource(StreamLimit);
        await using var wallboard = SseReader.ReadAsync(viewer, "/api/v1/wallboard/stream", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await LiveKitSetup.SnapshotListsAsync(wallboard, "RM_ghost"));

        _api.RemoveRoom("RM_ghost");

        Assert.True(await LiveKitSetup.WaitForCallEndedAsync(wallboard, "RM_ghost"), "the wallboard never reported the ghost call ended");
        var active = await LiveKitSetup.ActiveCallIdsAsync(viewer);
        Assert.DoesNotContain("RM_ghost", active);
        Assert.Contains("console-1", active);
        var call = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls/RM_ghost");
        Assert.Equal(("ended", "reconciled"), ((string?)call!["status"], (string?)call["endReason"]));
    }

    [Fact]
    public async Task RoomWithAnAgentSwitchboardNeverHeardOf_IsDiscoveredOnce()
    {
        using var app = LiveKitSetup.App(_api);
        var room = _api.AddRoom("RM_found", "call-found");
        room.Add("agent-f", "AGENT", "TR_f", new() { ["lk.agent.name"] = "triage-bot" });
        room.Add("caller-f", "SIP", "TR_cf");
        _api.AddRoom("RM_empty", "no-agent").Add("someone", "STANDARD");
        using var viewer = app.ClientWithKey(app.CreateKey("viewer"));
        var reconciler = app.Services.GetRequiredService<LiveKitReconciler>();

        var first = await reconciler.ReconcileAsync(CancellationToken.None);
        var second = await reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Equal((2, 1), (first.Rooms, first.Discovered));
        Assert.Equal(0, second.Discovered);
        var active = await LiveKitSetup.ActiveCallIdsAsync(viewer);
        Assert.Contains("RM_found", active);
        Assert.DoesNotContain("RM_empty", active);
        var call = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls/RM_found");
        Assert.Equal(("triage-bot", "call-found"), ((string?)call!["agentName"], (string?)call["roomName"]));
        var roles = call["participants"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value!["role"]);
        Assert.Equal(new Dictionary<string, string?> { ["agent-f"] = "agent", ["caller-f"] = "customer" }, roles);

        // The agent's track was learned on the way: muting needs no further lookup.
        await app.Services.GetRequiredService<LiveKitRoomControl>().SetAgentMutedAsync("RM_found", true, CancellationToken.None);
        Assert.True(room.Participants[0].Tracks[0].Muted);
    }

    [Fact]
    public async Task EndedCall_WhoseRoomStillExists_IsNotRevived()
    {
        using var app = LiveKitSetup.App(_api);
        _api.AddRoom("RM_done", "call-done").Add("agent-d", "AGENT", "TR_d");
        using var agent = app.ClientWithKey(app.CreateKey("agent"));
        using var viewer = app.ClientWithKey(app.CreateKey("viewer"));
        await LiveKitSetup.AgentStartsCallAsync(agent, "RM_done", "call-done");
        var end = new { events = new[] { new { id = "end-d", callId = "RM_done", type = "call.ended", at = DateTimeOffset.UtcNow, data = new { reason = "completed" } } } };
        (await agent.PostAsJsonAsync("/api/v1/events", end)).EnsureSuccessStatusCode();

        var result = await app.Services.GetRequiredService<LiveKitReconciler>().ReconcileAsync(CancellationToken.None);

        Assert.Equal((0, 0), (result.Ended, result.Discovered));
        Assert.DoesNotContain("RM_done", await LiveKitSetup.ActiveCallIdsAsync(viewer));
    }
}
