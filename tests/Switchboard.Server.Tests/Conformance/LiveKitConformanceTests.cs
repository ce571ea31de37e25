using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Conformance;

/// <summary>
/// Switchboard against LiveKit's official code (npm <c>livekit-server-sdk</c> and
/// <c>@livekit/protocol</c>, installed in tests/conformance by <c>npm ci</c>).
/// </summary>
public sealed class LiveKitConformanceTests : IAsyncLifetime
{
    private LiveKitApiDouble _api = null!;

    public async Task InitializeAsync() => _api = await LiveKitApiDouble.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Tokens_MintedBySwitchboard_AreAcceptedByTheOfficialVerifierWithEveryClaimEqual()
    {
        var options = Options.Create(new LiveKitOptions { Url = "wss://example.livekit.cloud", ApiKey = "APIconformance", ApiSecret = "conformance-secret-0123456789abcdef" });
        var tokens = new LiveKitTokens(options, TimeProvider.System);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var everything = new LiveKitClaims
        {
            Issuer = "APIconformance",
            Identity = "agent-every-claim",
            NotBefore = now,
            Expires = now + 600,
            IssuedAt = now,
            Name = "Every Claim",
            Metadata = """{"team":"triage"}""",
            Attributes = new Dictionary<string, string> { ["switchboard.role"] = "human_agent", ["lk.agent.name"] = "x" },
            Kind = "agent",
            KindDetails = ["cloud_agent"],
            Video = new VideoGrant
            {
                RoomCreate = true,
                RoomList = true,
                RoomRecord = true,
                RoomAdmin = true,
                RoomJoin = true,
                Room = "room-1",
                CanPublish = true,
                CanSubscribe = true,
                CanPublishData = false,
                CanPublishSources = ["microphone", "screen_share_audio"],
                CanUpdateOwnMetadata = true,
                IngressAdmin = true,
                Hidden = true,
                Recorder = true,
                Agent = true,
                CanSubscribeMetrics = true,
                CanManageAgentSession = false,
                DestinationRoom = "room-2",
            },
            Sip = new SipGrant(Admin: true, Call: true),
            Agent = new AgentGrant(Admin: true, SimulationAdmin: true, DatabaseAdmin: true),
            Inference = new InferenceGrant(Perform: true),
            Observability = new ObservabilityGrant(Write: true),
            RoomConfig = JsonDocument.Parse("""{"agents":[{"agentName":"triage","metadata":"{}"}],"emptyTimeout":30}""").RootElement,
            RoomPreset = "preset-1",
            Sha256 = "CoEQz1chqJ9bnZRcORddjplkvpjmPujmLTR42DbefYI=",
        };
        string[] minted =
        [
            LiveKitJwt.Sign(everything, options.Value.ApiSecret!),
            tokens.MintListenToken("call-room", "supervisor-ann", "Ann").Token,
            tokens.MintServerApiToken(new VideoGrant { RoomList = true }),
            tokens.MintServerApiToken(new VideoGrant { RoomAdmin = true, Room = "call-room" }, new SipGrant(Call: true)),
        ];

        var results = (await NodeScript.RunAsync("verify-tokens.mjs", new { apiKey = "APIconformance", apiSecret = options.Value.ApiSecret, tokens = minted })).AsArray();

        Assert.Equal(minted.Length, results.Count);
        for (var i = 0; i < minted.Length; i++)
        {
            Assert.True((bool)results[i]!["ok"]!, $"token {i} refused: {results[i]!["error"]}");
            var ours = JsonNode.Parse(Base64Url.DecodeFromChars(minted[i].Split('.')[1]));
            Assert.True(JsonNode.DeepEquals(ours, results[i]!["payload"]), $"token {i}: official payload {results[i]!["payload"]} differs from {ours}");
        }

        var listen = results[1]!["payload"]!;
        Assert.Equal("supervisor-ann", (string?)listen["sub"]);
        Assert.Equal(
            """{"canPublish":false,"canPublishData":false,"canSubscribe":true,"canUpdateOwnMetadata":false,"hidden":true,"room":"call-room","roomJoin":true}""",
            listen["video"]!.ToJsonString());
        Assert.Equal("supervisor", (string?)listen["attributes"]!["switchboard.role"]);
        Assert.Equal(LiveKitTokens.ServerApiTtl.TotalSeconds, (long)results[2]!["payload"]!["exp"]! - (long)results[2]!["payload"]!["nbf"]!);
    }

    [Fact]
    public async Task Webhooks_SignedByTheOfficialSdk_AreAcceptedAndEveryForgeryIsRefused()
    {
        using var app = LiveKitSetup.App(api: null);
        using var viewer = app.ClientWithKey(app.CreateKey("viewer"));
        using var hooks = app.CreateClient();
        var body = LiveKitSetup.WebhookBody("room_started", "RM_official", "call-official");
        var other = LiveKitSetup.WebhookBody("room_finished", "RM_official", "call-official");

        var cases = (await NodeScript.RunAsync("sign-webhooks.mjs", new
        {
            apiKey = LiveKitSetup.WebhookKey,
            apiSecret = LiveKitSetup.WebhookSecret,
            body,
            otherBody = other,
        })).AsArray();

        Assert.Equal(
            ["valid", "tampered body", "expired token", "unknown key", "wrong secret", "alg none", "missing header"],
            cases.Select(c => (string)c!["name"]!));
        foreach (var c in cases)
        {
            var name = (string)c!["name"]!;
            using var response = await hooks.SendAsync(LiveKitSetup.Webhook((string)c["body"]!, (string)c["authorization"]!));
            var expected = name == "valid" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;
            Assert.True(expected == response.StatusCode, $"{name}: expected {expected}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(name == "valid", (bool)c["officialAccepts"]!);
        }

        Assert.Contains("RM_official", await LiveKitSetup.ActiveCallIdsAsync(viewer));
    }

    [Fact]
    public async Task RequestBodies_OfEveryRpc_AreParsedStrictlyByTheProtocolTypes_WithExactlyTheGrantsTheyNeed()
    {
        using var app = LiveKitSetup.App(_api);
        var api = app.Services.GetRequiredService<LiveKitServerApi>();
        var room = _api.AddRoom("RM_conf", "conf-room");
        room.Add("agent-c", "AGENT", "TR_c");
        room.Add("caller-c", "SIP", "TR_caller");
        _api.RemoteUnmute = true;
        var ct = CancellationToken.None;

        await api.ListRoomsAsync(null, ct);
        await api.ListRoomsAsync(["conf-room"], ct);
        await api.ListParticipantsAsync("conf-room", ct);
        await api.GetParticipantAsync("conf-room", "agent-c", ct);
        await api.MutePublishedTrackAsync("conf-room", "agent-c", "TR_c", true, ct);
        await api.MutePublishedTrackAsync("conf-room", "agent-c", "TR_c", false, ct);
        await api.UpdateParticipantAsync(new UpdateParticipantRequest("conf-room", "agent-c", "{}", SupervisorPermissions.Speak, "Agent C",
            new Dictionary<string, string> { ["switchboard.note"] = "x", ["gone"] = "" }), ct);
        await api.UpdateParticipantAsync(new UpdateParticipantRequest("conf-room", "agent-c", Permission: SupervisorPermissions.Listen), ct);
        await api.SendDataAsync("conf-room", "hello"u8.ToArray(), "lk.chat", ["agent-c"], ct);
        await api.TransferSipParticipantAsync(new TransferSipParticipantRequest("caller-c", "conf-room", "tel:+15105550100", true,
            new Dictionary<string, string> { ["X-Reason"] = "escalation" }, "30s"), ct);
        await api.CreateSipParticipantAsync(new CreateSipParticipantRequest("ST_trunk", "+15105550199", "conf-room", "+15105550000", "human-1",
            "Human", "{}", new Dictionary<string, string> { ["switchboard.role"] = "human_agent" }, true, true, "20s", true), ct);
        await api.CreateDispatchAsync(new CreateAgentDispatchRequest("triage", "conf-room", """{"from":"switchboard"}"""), ct);
        await api.RemoveParticipantAsync("conf-room", "human-1", ct);
        await api.DeleteRoomAsync("conf-room", ct);

        var sent = _api.Calls.ToList();
        var results = (await NodeScript.RunAsync("parse-requests.mjs", new
        {
            apiKey = LiveKitApiDouble.ApiKey,
            apiSecret = LiveKitApiDouble.ApiSecret,
            requests = sent.Select(c => new { method = c.Method, body = c.Body, token = c.Token }),
        })).AsArray();

        Assert.Equal(11, sent.Select(c => c.Method).Distinct().Count());
        Assert.Equal(sent.Count, results.Count);
        foreach (var r in results)
        {
            var method = (string)r!["method"]!;
            Assert.True((bool)r["ok"]!, $"{method}: {r["error"]}");
            var (video, sip) = ExpectedGrants(method);
            Assert.True(JsonNode.DeepEquals(video, r["video"]), $"{method}: video grant {r["video"]?.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(sip, r["sip"]), $"{method}: sip grant {r["sip"]?.ToJsonString()}");
        }

        var permission = results.First(r => (string)r!["method"]! == "livekit.RoomService/UpdateParticipant")!["parsed"]!["permission"]!;
        Assert.Equal("""{"canSubscribe":true,"canPublish":true,"canPublishSources":["MICROPHONE"]}""", permission.ToJsonString());
    }

    private static (JsonNode? Video, JsonNode? Sip) ExpectedGrants(string method) => method switch
    {
        "livekit.RoomService/ListRooms" => (JsonNode.Parse("""{"roomList":true}"""), null),
        "livekit.RoomService/DeleteRoom" => (JsonNode.Parse("""{"roomCreate":true}"""), null),
        "livekit.SIP/CreateSIPParticipant" => (null, JsonNode.Parse("""{"call":true}""")),
        "livekit.SIP/TransferSIPParticipant" => (JsonNode.Parse("""{"room":"conf-room","roomAdmin":true}"""), JsonNode.Parse("""{"call":true}""")),
        _ => (JsonNode.Parse("""{"room":"conf-room","roomAdmin":true}"""), null),
    };
}
