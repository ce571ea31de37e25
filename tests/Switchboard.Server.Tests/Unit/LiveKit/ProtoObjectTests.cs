using System.Text.Json;
using Switchboard.Server.LiveKit;

namespace Switchboard.Server.Tests.Unit.LiveKit;

public sealed class ProtoObjectTests
{
    private static ProtoObject Parse(string json) => new(JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void Participant_FromServerApiSnakeCaseWithEveryField_IsRead()
    {
        // LIVEKIT.md §4.5, GetParticipant as livekit-server answers it.
        var json = """
            {"sid":"PA_x","identity":"alice","state":"ACTIVE","tracks":[],"metadata":"","joined_at":"1700000000","joined_at_ms":"1700000000123","name":"Alice","version":3,"permission":{"can_subscribe":true,"can_publish":true,"can_publish_data":true,"can_publish_sources":[],"hidden":false,"recorder":false,"can_update_metadata":false,"agent":false,"can_subscribe_metrics":false,"can_manage_agent_session":false},"region":"","is_publisher":false,"kind":"STANDARD","attributes":{},"disconnect_reason":"UNKNOWN_REASON","kind_details":[],"data_tracks":[],"client_protocol":0,"capabilities":[]}
            """;

        var p = LiveKitParticipant.Read(Parse(json));

        Assert.Equal(("PA_x", "alice", "Alice", "ACTIVE", "STANDARD"), (p.Sid, p.Identity, p.Name, p.State, p.Kind));
        Assert.True(p.Permission!.CanPublishData);
        Assert.Empty(p.Permission.CanPublishSources!);
    }

    [Fact]
    public void Participant_FromWebhookCamelCaseWithDefaultsOmitted_IsRead()
    {
        var json = """
            {"sid":"PA_x","identity":"agent-1","state":"ACTIVE","joinedAt":"1700000000","joinedAtMs":"1700000000123","version":2,"permission":{"canSubscribe":true,"canPublish":true,"canPublishData":true},"isPublisher":true,"kind":"AGENT","attributes":{"lk.agent.state":"listening"}}
            """;

        var p = LiveKitParticipant.Read(Parse(json));

        Assert.True(p.IsAgent);
        Assert.Equal("listening", p.Attributes["lk.agent.state"]);
        Assert.True(p.Permission!.CanPublish);
        Assert.Empty(p.Tracks);
    }

    [Fact]
    public void Enums_AsNumbersOrMissing_ReadAsTheirNamesAndProtoDefaults()
    {
        var p = LiveKitParticipant.Read(Parse("""{"identity":"a","kind":4,"state":2,"tracks":[{"sid":"TR_1","source":2},{"sid":"TR_2","type":1}]}"""));
        var standard = LiveKitParticipant.Read(Parse("""{"identity":"b","kind":null}"""));

        Assert.Equal("AGENT", p.Kind);
        Assert.Equal("ACTIVE", p.State);
        Assert.Equal("TR_1", p.AudioTrack!.Sid);
        Assert.Equal(("AUDIO", "MICROPHONE"), (p.Tracks[0].Type, p.Tracks[0].Source));
        Assert.Equal("VIDEO", p.Tracks[1].Type);
        Assert.Equal("STANDARD", standard.Kind);
    }

    [Fact]
    public void Int64_AsStringOrNumber_IsRead()
    {
        Assert.Equal(1628545903, LiveKitRoom.Read(Parse("""{"creationTime":"1628545903"}""")).CreationTime);
        Assert.Equal(1628545903, LiveKitRoom.Read(Parse("""{"creation_time":1628545903}""")).CreationTime);
    }

    [Fact]
    public void AttributeKeys_AreNeverRewritten()
    {
        var p = LiveKitParticipant.Read(Parse("""{"identity":"a","attributes":{"sip.phoneNumber":"+1555","lk.agent_state":"x"}}"""));

        Assert.Equal(["sip.phoneNumber", "lk.agent_state"], p.Attributes.Keys);
    }

    [Fact]
    public void TransferOutcome_EmptyOrStatusShapes_AreBothRead()
    {
        Assert.True(SipTransferOutcome.Read(Parse("{}")).Succeeded);
        var failed = SipTransferOutcome.Read(Parse("""{"transfer_id":"T1","status":"STS_TRANSFER_FAILED","reason":"STR_REJECTED","sip_status":{"code":603,"status":"Decline"}}"""));
        Assert.False(failed.Succeeded);
        Assert.Equal((603, "Decline"), (failed.SipStatusCode, failed.SipStatus));
    }

    [Fact]
    public void WebhookEvent_TheOfficialBody_IsRead()
    {
        var e = LiveKitWebhookEvent.Read(Parse(TestVectors.V4Body));

        Assert.Equal(("room_started", "EV_eugWmGhovZmm", 1692985556L), (e.Event, e.Id, e.CreatedAt));
        Assert.Equal(("RM_hycBMAjmt6Ub", "Demo Room"), (e.Room!.Sid, e.Room.Name));
    }
}
