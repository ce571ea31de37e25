namespace Switchboard.Server.LiveKit;

/// <summary>A verified LiveKit webhook (<c>WebhookEvent</c>, LIVEKIT.md §5.3), with the parts Switchboard maps.</summary>
public sealed record LiveKitWebhookEvent(
    string Event,
    string Id,
    long CreatedAt,
    LiveKitRoom? Room,
    LiveKitParticipant? Participant,
    LiveKitTrack? Track,
    Egress.LiveKitEgress? EgressInfo = null)
{
    public static LiveKitWebhookEvent Read(ProtoObject o) => new(
        o.Str("event"),
        o.Str("id"),
        o.Int64("createdAt"),
        o.Obj("room") is { Exists: true } room ? LiveKitRoom.Read(room) : null,
        o.Obj("participant") is { Exists: true } participant ? LiveKitParticipant.Read(participant) : null,
        o.Obj("track") is { Exists: true } track ? LiveKitTrack.Read(track) : null,
        o.Obj("egressInfo") is { Exists: true } egress ? Egress.LiveKitEgress.Read(egress) : null);
}
