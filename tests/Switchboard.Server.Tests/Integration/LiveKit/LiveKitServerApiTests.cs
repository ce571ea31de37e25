using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.LiveKit;

public sealed class LiveKitServerApiTests : IAsyncLifetime
{
    private LiveKitApiDouble _api = null!;
    private SwitchboardApp _app = null!;

    private LiveKitRoomControl Control => _app.Services.GetRequiredService<LiveKitRoomControl>();

    private LiveKitServerApi Api => _app.Services.GetRequiredService<LiveKitServerApi>();

    public async Task InitializeAsync()
    {
        _api = await LiveKitApiDouble.StartAsync();
        _app = LiveKitSetup.App(_api);
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task MuteAgent_AfterWebhooksReportedItsTrack_MutesThatTrackWithoutLookingItUp()
    {
        var room = _api.AddRoom("RM_mute1", "call-mute");
        room.Add("agent-1", "AGENT", "TR_agent");
        room.Add("caller", "SIP", "TR_caller");
        using var agent = _app.ClientWithKey(_app.CreateKey("agent"));
        await LiveKitSetup.AgentStartsCallAsync(agent, "RM_mute1", "call-mute");
        using var hooks = _app.CreateClient();
        var joined = LiveKitSetup.WebhookBody("participant_joined", "RM_mute1", "call-mute", LiveKitSetup.Participant("agent-1", "AGENT"));
        var published = LiveKitSetup.WebhookBody("track_published", "RM_mute1", "call-mute",
            new() { ["sid"] = "PA_agent-1", ["identity"] = "agent-1" }, new() { ["sid"] = "TR_agent", ["source"] = "MICROPHONE" });
        (await hooks.SendAsync(LiveKitSetup.Webhook(joined))).EnsureSuccessStatusCode();
        (await hooks.SendAsync(LiveKitSetup.Webhook(published))).EnsureSuccessStatusCode();

        var track = await Control.SetAgentMutedAsync("RM_mute1", true, CancellationToken.None);

        Assert.True(track.Muted);
        Assert.True(room.Participants[0].Tracks[0].Muted);
        Assert.False(room.Participants[1].Tracks[0].Muted);
        Assert.Empty(_api.CallsTo("livekit.RoomService/ListParticipants"));
        Assert.Contains("\"trackSid\":\"TR_agent\"", _api.CallsTo("livekit.RoomService/MutePublishedTrack").Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnmuteAgent_IsRefusedWhileRemoteUnmuteIsOff_AndWorksOnceItIsOn()
    {
        var room = _api.AddRoom("RM_mute2", "call-mute-2");
        room.Add("agent-2", "AGENT", "TR_agent2");
        await Control.SetAgentMutedAsync("RM_mute2", true, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<LiveKitApiException>(() => Control.SetAgentMutedAsync("RM_mute2", false, CancellationToken.None));
        _api.RemoteUnmute = true;
        var track = await Control.SetAgentMutedAsync("RM_mute2", false, CancellationToken.None);

        Assert.Equal(("failed_precondition", 412), (refused.Code, refused.HttpStatus));
        Assert.False(track.Muted);
        Assert.False(room.Participants[0].Tracks[0].Muted);
        Assert.Equal(3, _api.CallsTo("livekit.RoomService/MutePublishedTrack").Count);
    }

    [Fact]
    public async Task Transfer_RefusedBusy_CarriesTheSipStatusAndIsSentOnce()
    {
        var room = _api.AddRoom("RM_xfer", "call-xfer");
        room.Add("agent-3", "AGENT", "TR_a3");
        room.Add("caller-1", "SIP", "TR_c1");
        _api.TransferFailure = (486, "Busy Here");

        var error = await Assert.ThrowsAsync<LiveKitApiException>(() => Control.TransferAsync("RM_xfer", "tel:+15105550100", null, false, CancellationToken.None));
        var problem = LiveKitProblems.From(error);

        Assert.Equal(("resource_exhausted", 429, 486, "Busy Here"), (error.Code, error.HttpStatus, error.SipStatusCode, error.SipStatus));
        Assert.Equal(429, problem.StatusCode);
        Assert.Equal(486, problem.ProblemDetails.Extensions["sipStatusCode"]);
        var sent = Assert.Single(_api.CallsTo("livekit.SIP/TransferSIPParticipant"));
        var body = System.Text.Json.Nodes.JsonNode.Parse(sent.Body)!;
        Assert.Equal(("caller-1", "call-xfer", "tel:+15105550100"), ((string?)body["participantIdentity"], (string?)body["roomName"], (string?)body["transferTo"]));
    }

    [Fact]
    public async Task Transfer_Accepted_Succeeds()
    {
        _api.AddRoom("RM_xfer2", "call-xfer-2").Add("caller-2", "SIP");

        var outcome = await Control.TransferAsync("RM_xfer2", "sip:desk@example.com", null, true, CancellationToken.None);

        Assert.True(outcome.Succeeded);
    }

    [Fact]
    public async Task SafeRequest_AfterTwoUnavailableAnswers_IsRetriedUntilItSucceeds()
    {
        _api.AddRoom("RM_retry", "call-retry");
        _api.FailNext("livekit.RoomService/ListRooms", 2, 503, """{"code":"unavailable","msg":"try later"}""");

        var rooms = await Api.ListRoomsAsync(null, CancellationToken.None);

        Assert.Equal("call-retry", Assert.Single(rooms).Name);
        Assert.Equal(3, _api.CallsTo("livekit.RoomService/ListRooms").Count);
    }

    [Fact]
    public async Task SafeRequest_ThatHangs_IsCutOffAndRetried()
    {
        using var impatient = LiveKitSetup.App(_api);
        impatient.Settings["LiveKit:RequestTimeoutSeconds"] = "2";
        _api.AddRoom("RM_hang", "call-hang");
        _api.HangNext("livekit.RoomService/ListRooms", 1);

        var rooms = await impatient.Services.GetRequiredService<LiveKitServerApi>().ListRoomsAsync(null, CancellationToken.None);

        Assert.Single(rooms);
        Assert.Equal(2, _api.CallsTo("livekit.RoomService/ListRooms").Count);
    }

    [Fact]
    public async Task SafeRequest_FailingEveryTime_GivesUpAfterTheConfiguredAttempts()
    {
        _api.FailNext("livekit.RoomService/ListRooms", 5, 500, """{"code":"internal","msg":"boom"}""");

        var error = await Assert.ThrowsAsync<LiveKitApiException>(() => Api.ListRoomsAsync(null, CancellationToken.None));

        Assert.Equal(("internal", 500), (error.Code, error.HttpStatus));
        Assert.Equal(3, _api.CallsTo("livekit.RoomService/ListRooms").Count);
    }

    [Fact]
    public async Task UnsafeRequest_SendData_IsNeverRepeated()
    {
        _api.AddRoom("RM_data", "call-data");
        _api.FailNext("livekit.RoomService/SendData", 1, 503, """{"code":"unavailable","msg":"try later"}""");

        var error = await Assert.ThrowsAsync<LiveKitApiException>(() => Api.SendDataAsync("call-data", "hi"u8.ToArray(), "lk.chat", null, CancellationToken.None));

        Assert.Equal("unavailable", error.Code);
        Assert.Single(_api.CallsTo("livekit.RoomService/SendData"));
    }

    [Fact]
    public async Task WrongSecret_PlainTextUnauthorized_BecomesUnauthenticatedAndIsNotRetried()
    {
        using var wrong = LiveKitSetup.App(_api);
        wrong.Settings["LiveKit:ApiSecret"] = "not-the-secret";
        var api = wrong.Services.GetRequiredService<LiveKitServerApi>();

        var error = await Assert.ThrowsAsync<LiveKitApiException>(() => api.ListRoomsAsync(null, CancellationToken.None));

        Assert.Equal(("unauthenticated", 401), (error.Code, error.HttpStatus));
        Assert.StartsWith("invalid authorization token", error.TwirpMessage, StringComparison.Ordinal);
        Assert.Single(_api.CallsTo("livekit.RoomService/ListRooms"));
    }

    [Fact]
    public async Task SupervisorTakeover_LetsThemPublishTheMicrophoneOnly_AndHandbackHidesThemAgain()
    {
        var room = _api.AddRoom("RM_sup", "call-sup");
        var supervisor = room.Add(LiveKitRoomControl.SupervisorIdentity("ann"), "STANDARD");
        supervisor.Permission = DoubleParticipant.Permissions(subscribe: true, publish: false, data: false, hidden: true);

        var speaking = await Control.SetSupervisorSpeakingAsync("RM_sup", "supervisor-ann", true, CancellationToken.None);
        var afterTakeover = supervisor.Permission.ToJsonString();
        var listening = await Control.SetSupervisorSpeakingAsync("RM_sup", "supervisor-ann", false, CancellationToken.None);

        Assert.Equal(
            """{"can_subscribe":true,"can_publish":true,"can_publish_data":false,"can_publish_sources":["MICROPHONE"],"hidden":false,"recorder":false,"can_update_metadata":false,"agent":false,"can_subscribe_metrics":false,"can_manage_agent_session":false}""",
            afterTakeover);
        Assert.Equal((true, false, false), (speaking.Permission!.CanPublish, speaking.Permission.CanPublishData, speaking.Permission.Hidden));
        Assert.Equal((false, false, true, true), (listening.Permission!.CanPublish, listening.Permission.CanPublishData, listening.Permission.Hidden, listening.Permission.CanSubscribe));
    }

    [Fact]
    public async Task CallWithoutARoom_IsReportedAsNotFound()
    {
        var error = await Assert.ThrowsAsync<LiveKitBridgeException>(() => Control.DeleteRoomAsync("RM_nowhere", CancellationToken.None));

        Assert.Equal(404, error.Status);
    }
}
