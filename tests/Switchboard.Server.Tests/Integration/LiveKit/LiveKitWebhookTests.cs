using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Tests.Infrastructure;
using Switchboard.Server.Tests.Unit.LiveKit;

namespace Switchboard.Server.Tests.Integration.LiveKit;

public sealed class LiveKitWebhookTests : IDisposable
{
    private static readonly TimeSpan StreamLimit = TimeSpan.FromSeconds(15);
    private readonly SwitchboardApp _app = LiveKitSetup.App(api: null);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task RoomFinished_ForACallWhoseAgentNeverReportedTheEnd_EndsItOnTheListAndTheWallboard()
    {
        using var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        using var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        using var hooks = _app.CreateClient();
        await LiveKitSetup.AgentStartsCallAsync(agent, "RM_fin1", "call-fin-1");
        using var cts = new CancellationTokenSource(StreamLimit);
        await using var wallboard = SseReader.ReadAsync(viewer, "/api/v1/wallboard/stream", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await LiveKitSetup.SnapshotListsAsync(wallboard, "RM_fin1"));

        using var response = await hooks.SendAsync(LiveKitSetup.Webhook(LiveKitSetup.WebhookBody("room_finished", "RM_fin1", "call-fin-1")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await LiveKitSetup.WaitForCallEndedAsync(wallboard, "RM_fin1"), "the wallboard never reported the call ended");
        Assert.DoesNotContain("RM_fin1", await LiveKitSetup.ActiveCallIdsAsync(viewer));
        var call = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls/RM_fin1");
        Assert.Equal(("ended", "room_finished"), ((string?)call!["status"], (string?)call["endReason"]));
    }

    [Fact]
    public async Task RoomFinished_AfterTheAgentReportedTheEnd_ChangesNothing()
    {
        using var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        using var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        using var hooks = _app.CreateClient();
        await LiveKitSetup.AgentStartsCallAsync(agent, "RM_fin2", "call-fin-2");
        var end = new { events = new[] { new { id = "end-1", callId = "RM_fin2", type = "call.ended", at = DateTimeOffset.UtcNow, data = new { reason = "completed" } } } };
        (await agent.PostAsJsonAsync("/api/v1/events", end)).EnsureSuccessStatusCode();

        var ack = await (await hooks.SendAsync(LiveKitSetup.Webhook(LiveKitSetup.WebhookBody("room_finished", "RM_fin2", "call-fin-2")))).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(0, (int)ack!["eventsWritten"]!);
        var call = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls/RM_fin2");
        Assert.Equal("completed", (string?)call!["endReason"]);
    }

    [Fact]
    public async Task SameWebhookDeliveredTwice_IsAppliedOnce()
    {
        using var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        using var hooks = _app.CreateClient();
        var body = LiveKitSetup.WebhookBody("participant_joined", "RM_dup", "call-dup", LiveKitSetup.Participant("caller", "SIP"), id: "EV_dup000000001");

        var first = await (await hooks.SendAsync(LiveKitSetup.Webhook(body))).Content.ReadFromJsonAsync<JsonObject>();
        var second = await (await hooks.SendAsync(LiveKitSetup.Webhook(body))).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal((false, true), ((bool)first!["duplicate"]!, (bool)second!["duplicate"]!));
        var page = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls/RM_dup/events");
        Assert.Equal(["call.started", "participant.joined"], page!["events"]!.AsArray().Select(e => (string)e!["type"]!));
    }

    [Fact]
    public async Task RoomAndParticipants_OfAnUnknownRoom_ShowTheCallWithRolesFromKindAndAttributes()
    {
        using var viewer = _app.ClientWithKey(_app.CreateKey("viewer"));
        using var hooks = _app.CreateClient();
        var supervisor = LiveKitSetup.Participant("supervisor-ann");
        supervisor["attributes"] = new JsonObject { [LiveKitTokens.RoleAttribute] = "supervisor" };
        string[] bodies =
        [
            LiveKitSetup.WebhookBody("room_started", "RM_new", "call-new"),
            LiveKitSetup.WebhookBody("participant_joined", "RM_new", "call-new", LiveKitSetup.Participant("agent-7", "AGENT")),
            LiveKitSetup.WebhookBody("participant_joined", "RM_new", "call-new", LiveKitSetup.Participant("web-user")),
            LiveKitSetup.WebhookBody("participant_joined", "RM_new", "call-new", supervisor),
            LiveKitSetup.WebhookBody("participant_joined", "RM_new", "call-new", LiveKitSetup.Participant("recorder", "EGRESS")),
        ];
        foreach (var body in bodies)
        {
            (await hooks.SendAsync(LiveKitSetup.Webhook(body))).EnsureSuccessStatusCode();
        }

        Assert.Contains("RM_new", await LiveKitSetup.ActiveCallIdsAsync(viewer));
        var call = await viewer.GetFromJsonAsync<JsonObject>("/api/v1/calls/RM_new");
        var roles = call!["participants"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value!["role"]);
        Assert.Equal(new Dictionary<string, string?> { ["agent-7"] = "agent", ["web-user"] = "customer", ["supervisor-ann"] = "supervisor" }, roles);
        Assert.Equal("call-new", (string?)call["roomName"]);
    }

    [Fact]
    public async Task OfficialWebhookBody_WithTheSelfMadeVectorToken_IsAcceptedAtItsTimeOnly()
    {
        using var app = new SwitchboardApp();
        app.Settings["LiveKit:WebhookKeys:abcdefg"] = TestVectors.V2Secret;
        using var atVectorTime = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FixedClock(1700000100))));
        using var client = atVectorTime.CreateClient();
        using var now = app.CreateClient();

        using var accepted = await client.SendAsync(LiveKitSetup.Webhook(TestVectors.V2Body, TestVectors.V6WebhookToken));
        using var expired = await now.SendAsync(LiveKitSetup.Webhook(TestVectors.V2Body, TestVectors.V6WebhookToken));
        using var tampered = await client.SendAsync(LiveKitSetup.Webhook(TestVectors.V2Body + " ", TestVectors.V6WebhookToken));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("room_started", (string?)(await accepted.Content.ReadFromJsonAsync<JsonObject>())!["event"]);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
    }

    [Fact]
    public async Task Webhook_WithABearerPrefix_IsAccepted_AndAnOversizedOneIsRefused()
    {
        using var hooks = _app.CreateClient();
        var body = LiveKitSetup.WebhookBody("room_started", "RM_bearer", "call-bearer");
        var huge = new string(' ', LiveKitWebhookEndpoint.MaxBodyBytes) + body;

        using var bearer = await hooks.SendAsync(LiveKitSetup.Webhook(body, "Bearer " + LiveKitSetup.Sign(body)));
        using var oversized = await hooks.SendAsync(LiveKitSetup.Webhook(huge));

        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
    }

    [Fact]
    public async Task Bridge_WithoutConfiguration_AnswersProblemsSayingWhatToSet()
    {
        using var app = new SwitchboardApp();
        using var viewer = app.ClientWithKey(app.CreateKey("viewer"));
        using var hooks = app.CreateClient();

        using var webhook = await hooks.SendAsync(LiveKitSetup.Webhook(TestVectors.V2Body, TestVectors.V6WebhookToken));
        using var status = await viewer.GetAsync("/api/v1/livekit/status");
        var control = app.Services.GetRequiredService<LiveKitRoomControl>();

        Assert.Equal(HttpStatusCode.Conflict, webhook.StatusCode);
        Assert.Equal("application/problem+json", webhook.Content.Headers.ContentType?.MediaType);
        Assert.Contains("LiveKit:WebhookKeys", await webhook.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, status.StatusCode);
        Assert.Contains("LiveKit:Url, LiveKit:ApiKey and LiveKit:ApiSecret", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<LiveKitNotConfiguredException>(() => control.SetAgentMutedAsync("RM_x", true, CancellationToken.None));
    }

    private sealed class FixedClock(long unixSeconds) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
    }
}
