using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts.Events;
using Switchboard.Server.Identity;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.LiveKit;

/// <summary>Per-call recordings through LiveKit Egress, against the LiveKit API double.</summary>
public sealed class LiveKitRecordingTests : IAsyncLifetime
{
    private const string Start = "livekit.Egress/StartRoomCompositeEgress";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private LiveKitApiDouble _api = null!;

    public async Task InitializeAsync() => _api = await LiveKitApiDouble.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_LiveKit_call_that_starts_is_recorded_once_as_one_audio_only_file_and_its_egress_is_stopped_at_the_end()
    {
        using var cts = new CancellationTokenSource(Limit);
        using var call = await StartCallAsync("RM_rec1", new() { ["S3:Bucket"] = "calls", ["S3:Region"] = "eu-west-1", ["S3:AccessKey"] = "AKIDTEST", ["S3:Secret"] = "s3-secret-value", ["FilepathTemplate"] = "calls/{room_name}/{call_id}" });
        var (agent, viewer) = (call.Agent, call.Viewer);
        using var alice = await call.App.SignInAsync(Roles.Supervisor, "alice");

        var started = await WaitForAsync(viewer, "RM_rec1", EventTypes.RecordingStarted, cts.Token);
        // Asking again (a supervisor, a retry) starts nothing new.
        var again = await (await alice.PostAsync("/api/v1/calls/RM_rec1/recording", null, cts.Token)).Content.ReadFromJsonAsync<JsonObject>(cts.Token);

        var request = Assert.Single(_api.CallsTo(Start));
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(("room-RM_rec1", true), ((string?)body["roomName"], (bool?)body["audioOnly"]));
        var file = Assert.Single(body["fileOutputs"]!.AsArray())!.AsObject();
        Assert.Equal(("OGG", "calls/room-RM_rec1/RM_rec1"), ((string?)file["fileType"], (string?)file["filepath"]));
        Assert.Equal(("calls", "eu-west-1", "AKIDTEST", "s3-secret-value"), ((string?)file["s3"]!["bucket"], (string?)file["s3"]!["region"], (string?)file["s3"]!["accessKey"], (string?)file["s3"]!["secret"]));
        var video = Claims(request.Token).GetProperty("video");
        Assert.True(video.GetProperty("roomRecord").GetBoolean());
        Assert.False(video.TryGetProperty("roomAdmin", out _));
        var egressId = started.Data.GetProperty("egressId").GetString();
        Assert.True(_api.Egresses.ContainsKey(egressId!));
        Assert.Equal((true, egressId, "recording"), ((bool)again!["duplicate"]!, (string?)again["egressId"], (string?)again["status"]));

        await EndAsync(agent, "RM_rec1");
        while (_api.CallsTo("livekit.Egress/StopEgress").Count == 0)
        {
            await Task.Delay(20, cts.Token);
        }

        Assert.Equal(egressId, (string?)JsonNode.Parse(Assert.Single(_api.CallsTo("livekit.Egress/StopEgress")).Body)!["egressId"]);
        Assert.Single(_api.CallsTo(Start));
    }

    [Fact]
    public async Task An_egress_ended_webhook_puts_the_file_and_its_start_into_the_summary_and_a_rebuild_gives_the_same()
    {
        using var cts = new CancellationTokenSource(Limit);
        using var call = await StartCallAsync("RM_rec2", new() { ["PublicBaseUrl"] = "https://media.example.com/rec/" });
        var (agent, viewer) = (call.Agent, call.Viewer);
        using var admin = await call.App.SignInAsync(Roles.Admin, "ada");
        using var hooks = call.App.CreateClient();
        var egressId = (await WaitForAsync(viewer, "RM_rec2", EventTypes.RecordingStarted, cts.Token)).Data.GetProperty("egressId").GetString()!;
        await EndAsync(agent, "RM_rec2");

        var audioStart = DateTimeOffset.UtcNow.AddSeconds(-30);
        var webhook = EgressEnded(egressId, "RM_rec2", "room-RM_rec2", audioStart, durationSeconds: 42.5);
        using var response = await hooks.SendAsync(LiveKitSetup.Webhook(webhook), cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var recording = await RecordingInSummaryAsync(viewer, "RM_rec2", "completed", cts.Token);
        Assert.Equal("https://media.example.com/rec/recordings/RM_rec2.ogg", (string?)recording["url"]);
        Assert.Equal(42.5, (double)recording["durationSeconds"]!);
        Assert.Equal(audioStart.ToUnixTimeMilliseconds(), DateTimeOffset.Parse((string)recording["startedAt"]!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        Assert.Equal(egressId, (string?)recording["egressId"]);

        var before = await viewer.GetStringAsync("/api/v1/calls/RM_rec2/summary", cts.Token);
        (await admin.PostAsJsonAsync("/api/v1/admin/archive/rebuild", new { }, cts.Token)).EnsureSuccessStatusCode();
        Assert.Equal(before, await viewer.GetStringAsync("/api/v1/calls/RM_rec2/summary", cts.Token));
        // LiveKit delivers again: stored once.
        using var redelivered = await hooks.SendAsync(LiveKitSetup.Webhook(EgressEnded(egressId, "RM_rec2", "room-RM_rec2", audioStart, 42.5)), cts.Token);
        Assert.Single(await Events.ReadAllAsync(viewer, "RM_rec2"), e => e.Type == EventTypes.RecordingCompleted);
    }

    [Fact]
    public async Task Recording_is_off_by_default_so_no_call_asks_Egress_and_egress_webhooks_write_nothing()
    {
        using var cts = new CancellationTokenSource(Limit);
        using var call = await StartCallAsync("RM_rec3", recording: null);
        var (agent, viewer) = (call.Agent, call.Viewer);
        using var alice = await call.App.SignInAsync(Roles.Supervisor, "alice");
        using var hooks = call.App.CreateClient();

        using var asked = await alice.PostAsync("/api/v1/calls/RM_rec3/recording", null, cts.Token);
        var hook = await (await hooks.SendAsync(LiveKitSetup.Webhook(EgressEnded("EG_elsewhere", "RM_rec3", "room-RM_rec3", DateTimeOffset.UtcNow, 3)), cts.Token)).Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        await EndAsync(agent, "RM_rec3");
        var summary = await SummaryAsync(viewer, "RM_rec3", cts.Token);

        Assert.Equal(HttpStatusCode.Conflict, asked.StatusCode);
        Assert.Contains("LiveKit:Recording:Enabled", await asked.Content.ReadAsStringAsync(cts.Token), StringComparison.Ordinal);
        Assert.Equal(0, (int)hook!["eventsWritten"]!);
        Assert.Null(summary["recording"]);
        Assert.DoesNotContain(_api.Calls, c => c.Method.StartsWith("livekit.Egress/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_demand_a_supervisor_starts_the_recording_once_it_is_audited_and_bad_requests_are_refused()
    {
        using var cts = new CancellationTokenSource(Limit);
        using var call = await StartCallAsync("RM_rec4", new() { ["Calls"] = "on-demand" });
        using var viewer = await call.App.SignInAsync(Roles.Viewer, "vera");
        using var alice = await call.App.SignInAsync(Roles.Supervisor, "alice");

        using var byViewer = await viewer.PostAsync("/api/v1/calls/RM_rec4/recording", null, cts.Token);
        using var unknown = await alice.PostAsync("/api/v1/calls/RM_none/recording", null, cts.Token);
        using var badId = await alice.PostAsync($"/api/v1/calls/{new string('x', 200)}/recording", null, cts.Token);
        using var first = await alice.PostAsync("/api/v1/calls/RM_rec4/recording", null, cts.Token);
        using var second = await alice.PostAsync("/api/v1/calls/RM_rec4/recording", null, cts.Token);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (byViewer.StatusCode, unknown.StatusCode, badId.StatusCode));
        var a = await first.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        var b = await second.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        Assert.Equal(("recording", false), ((string?)a!["status"], (bool)a["duplicate"]!));
        Assert.Equal((a["egressId"]!.GetValue<string>(), true), (b!["egressId"]!.GetValue<string>(), (bool)b["duplicate"]!));
        Assert.Single(_api.CallsTo(Start));
        var requested = Assert.Single(await Events.ReadAllAsync(call.Viewer, "RM_rec4"), e => e.Type == EventTypes.RecordingRequested);
        Assert.Equal(("supervisor", "alice"), (requested.Data.GetProperty("trigger").GetString(), requested.Data.GetProperty("by").GetString()));
        var audit = await call.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "call.recording"), CancellationToken.None);
        Assert.Equal(2, audit.Count(e => e is { Actor: "alice", Outcome: "ok", CallId: "RM_rec4" }));
        Assert.Contains(audit, e => e is { Actor: "alice", Outcome: "invalid", CallId: "RM_none" });
    }

    [Fact]
    public async Task A_start_that_Egress_refuses_is_recorded_as_failed_and_a_supervisor_may_try_again()
    {
        using var cts = new CancellationTokenSource(Limit);
        using var call = await StartCallAsync("RM_rec5", new() { ["Calls"] = "on-demand" });
        using var alice = await call.App.SignInAsync(Roles.Supervisor, "alice");
        _api.FailNext(Start, 1, 503, """{"code":"unavailable","msg":"no egress servers available"}""");

        using var refused = await alice.PostAsync("/api/v1/calls/RM_rec5/recording", null, cts.Token);
        using var retried = await alice.PostAsync("/api/v1/calls/RM_rec5/recording", null, cts.Token);

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Contains("no egress servers available", await refused.Content.ReadAsStringAsync(cts.Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, _api.CallsTo(Start).Count);
        var types = (await Events.ReadAllAsync(call.Viewer, "RM_rec5")).Select(e => e.Type).Where(t => t.StartsWith("recording.", StringComparison.Ordinal));
        Assert.Equal([EventTypes.RecordingRequested, EventTypes.RecordingFailed, EventTypes.RecordingRequested, EventTypes.RecordingStarted], types);
    }

    /// <summary>A room in the double and an app with these <c>LiveKit:Recording</c> settings (null: none), whose agent has started the room's call.</summary>
    private async Task<StartedCall> StartCallAsync(string callId, Dictionary<string, string>? recording)
    {
        _api.AddRoom(callId, "room-" + callId);
        var app = LiveKitSetup.App(_api);
        if (recording is not null)
        {
            app.Settings["LiveKit:Recording:Enabled"] = "true";
            foreach (var (key, value) in recording)
            {
                app.Settings["LiveKit:Recording:" + key] = value;
            }
        }

        var call = new StartedCall(app, app.ClientWithKey(app.CreateKey("agent")), app.ClientWithKey(app.CreateKey("viewer")));
        await LiveKitSetup.AgentStartsCallAsync(call.Agent, callId, "room-" + callId);
        return call;
    }

    private static async Task EndAsync(HttpClient agent, string callId)
    {
        var end = new { events = new[] { new { id = "end-" + callId, callId, type = EventTypes.CallEnded, at = DateTimeOffset.UtcNow, data = new { reason = "completed" } } } };
        (await agent.PostAsJsonAsync("/api/v1/events", end)).EnsureSuccessStatusCode();
    }

    private static JsonElement Claims(string? token) =>
        LiveKitJwt.Verify(token, new Dictionary<string, string> { [LiveKitApiDouble.ApiKey] = LiveKitApiDouble.ApiSecret }, DateTimeOffset.UtcNow).Payload;

    /// <summary>An <c>egress_ended</c> webhook as LiveKit sends it: camelCase, defaults omitted, int64 (nanoseconds) as strings.</summary>
    private static string EgressEnded(string egressId, string roomSid, string roomName, DateTimeOffset audioStart, double durationSeconds)
    {
        static string Nanos(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);
        var duration = ((long)(durationSeconds * 1e9)).ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["event"] = "egress_ended",
            ["egressInfo"] = new JsonObject
            {
                ["egressId"] = egressId,
                ["roomId"] = roomSid,
                ["roomName"] = roomName,
                ["status"] = "EGRESS_COMPLETE",
                ["startedAt"] = Nanos(audioStart),
                ["endedAt"] = Nanos(audioStart.AddSeconds(durationSeconds)),
                ["roomComposite"] = new JsonObject { ["roomName"] = roomName, ["audioOnly"] = true },
                ["fileResults"] = new JsonArray(new JsonObject
                {
                    ["filename"] = $"recordings/{roomSid}.ogg",
                    ["startedAt"] = Nanos(audioStart),
                    ["endedAt"] = Nanos(audioStart.AddSeconds(durationSeconds)),
                    ["duration"] = duration,
                    ["size"] = "123456",
                    ["location"] = $"https://egress-bucket.s3.amazonaws.com/recordings/{roomSid}.ogg",
                }),
            },
            ["id"] = "EV_" + Guid.NewGuid().ToString("N")[..12],
            ["createdAt"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        }.ToJsonString();
    }

    private static async Task<StoredEvent> WaitForAsync(HttpClient viewer, string callId, string type, CancellationToken cancellationToken)
    {
        while (true)
        {
            if ((await Events.ReadAllAsync(viewer, callId)).FirstOrDefault(e => e.Type == type) is { } found)
            {
                return found;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task<JsonObject> SummaryAsync(HttpClient viewer, string callId, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await viewer.GetAsync($"/api/v1/calls/{callId}/summary", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task<JsonObject> RecordingInSummaryAsync(HttpClient viewer, string callId, string status, CancellationToken cancellationToken)
    {
        while (true)
        {
            if ((await SummaryAsync(viewer, callId, cancellationToken))["recording"] is JsonObject recording && (string?)recording["status"] == status)
            {
                return recording;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private sealed record StartedCall(SwitchboardApp App, HttpClient Agent, HttpClient Viewer) : IDisposable
    {
        public void Dispose()
        {
            Agent.Dispose();
            Viewer.Dispose();
            App.Dispose();
        }
    }
}
