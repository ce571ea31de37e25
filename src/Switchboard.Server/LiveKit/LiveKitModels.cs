namespace Switchboard.Server.LiveKit;

// Hand-written views of the LiveKit protobuf messages Switchboard reads (LIVEKIT.md §4), grouped in
// one file because each is a list of fields and a reader. Only the fields Switchboard uses.

/// <summary>Enum names by value, for enums that arrive as numbers.</summary>
internal static class ProtoEnums
{
    public static readonly string?[] Kind = ["STANDARD", "INGRESS", "EGRESS", "SIP", "AGENT", null, null, "CONNECTOR", "BRIDGE"];
    public static readonly string?[] State = ["JOINING", "JOINED", "ACTIVE", "DISCONNECTED"];
    public static readonly string?[] TrackType = ["AUDIO", "VIDEO", "DATA"];
    public static readonly string?[] TrackSource = ["UNKNOWN", "CAMERA", "MICROPHONE", "SCREEN_SHARE", "SCREEN_SHARE_AUDIO"];
    public static readonly string?[] TransferStatus = ["STS_TRANSFER_ONGOING", "STS_TRANSFER_FAILED", "STS_TRANSFER_SUCCESSFUL"];
    public static readonly string?[] TransferReason =
        ["STR_UNSPECIFIED", "STR_COMPLETED", "STR_CALL_ENDED", "STR_REJECTED", "STR_RINGING_TIMEOUT", "STR_SUBSCRIPTION_TERMINATED", "STR_CANCELED"];
}

/// <summary>A LiveKit room.</summary>
public sealed record LiveKitRoom(string Sid, string Name, string Metadata, long CreationTime, int NumParticipants)
{
    public static LiveKitRoom Read(ProtoObject o) =>
        new(o.Str("sid"), o.Str("name"), o.Str("metadata"), o.Int64("creationTime"), (int)o.Int64("numParticipants"));
}

/// <summary>A participant of a room.</summary>
public sealed record LiveKitParticipant(
    string Sid,
    string Identity,
    string Name,
    string State,
    string Kind,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<LiveKitTrack> Tracks,
    ParticipantPermission? Permission)
{
    public static LiveKitParticipant Read(ProtoObject o) => new(
        o.Str("sid"),
        o.Str("identity"),
        o.Str("name"),
        o.Enum("state", ProtoEnums.State),
        o.Enum("kind", ProtoEnums.Kind),
        o.Map("attributes"),
        o.List("tracks", LiveKitTrack.Read),
        o.Obj("permission") is { Exists: true } p ? ParticipantPermission.Read(p) : null);

    /// <summary>True for an agent participant (kind AGENT).</summary>
    public bool IsAgent => Kind == "AGENT";

    /// <summary>The participant's microphone (or other non-screen) audio track, if published.</summary>
    public LiveKitTrack? AudioTrack => Tracks.FirstOrDefault(t => t.IsVoice);
}

/// <summary>A published track.</summary>
public sealed record LiveKitTrack(string Sid, string Type, string Source, string Name, bool Muted)
{
    public static LiveKitTrack Read(ProtoObject o) =>
        new(o.Str("sid"), o.Enum("type", ProtoEnums.TrackType), o.Enum("source", ProtoEnums.TrackSource), o.Str("name"), o.Bool("muted"));

    /// <summary>An audio track that carries a voice (missing type means AUDIO; screen-share audio is not a voice).</summary>
    public bool IsVoice => Type == "AUDIO" && Source is "MICROPHONE" or "UNKNOWN";
}

/// <summary>The answer of SIP CreateSIPParticipant.</summary>
public sealed record SipParticipantInfo(string ParticipantId, string ParticipantIdentity, string RoomName, string SipCallId)
{
    public static SipParticipantInfo Read(ProtoObject o) =>
        new(o.Str("participantId"), o.Str("participantIdentity"), o.Str("roomName"), o.Str("sipCallId"));
}

/// <summary>
/// The answer of SIP TransferSIPParticipant: <c>{}</c> on current servers (read as successful),
/// or the newer status shape (LIVEKIT.md §3.11).
/// </summary>
public sealed record SipTransferOutcome(string TransferId, string Status, string Reason, int SipStatusCode, string SipStatus)
{
    /// <summary>True unless the server said the transfer failed or is still ongoing.</summary>
    public bool Succeeded => Status == "STS_TRANSFER_SUCCESSFUL";

    public static SipTransferOutcome Read(ProtoObject o)
    {
        // An empty answer (google.protobuf.Empty) comes from servers that report failure only as an error.
        var status = o.Field("status") is null && o.Field("transferId") is null ? "STS_TRANSFER_SUCCESSFUL" : o.Enum("status", ProtoEnums.TransferStatus);
        var sip = o.Obj("sipStatus");
        return new(o.Str("transferId"), status, o.Enum("reason", ProtoEnums.TransferReason), (int)sip.Int64("code"), sip.Str("status"));
    }
}

/// <summary>The answer of AgentDispatchService CreateDispatch.</summary>
public sealed record AgentDispatchInfo(string Id, string AgentName, string Room, string Metadata)
{
    public static AgentDispatchInfo Read(ProtoObject o) => new(o.Str("id"), o.Str("agentName"), o.Str("room"), o.Str("metadata"));
}
