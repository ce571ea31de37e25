namespace Switchboard.Server.LiveKit;

/// <summary>
/// A participant's permissions as the server API sets them (<c>ParticipantPermission</c>,
/// LIVEKIT.md §3.7). Track sources are upper-case enum names here (lower-case in tokens).
/// </summary>
public sealed record ParticipantPermission(
    bool CanSubscribe = false,
    bool CanPublish = false,
    bool CanPublishData = false,
    IReadOnlyList<string>? CanPublishSources = null,
    bool Hidden = false,
    bool CanUpdateMetadata = false,
    bool CanSubscribeMetrics = false,
    bool CanManageAgentSession = false)
{
    public static ParticipantPermission Read(ProtoObject o) => new(
        o.Bool("canSubscribe"),
        o.Bool("canPublish"),
        o.Bool("canPublishData"),
        o.Field("canPublishSources") is null ? null : o.EnumList("canPublishSources", ProtoEnums.TrackSource),
        o.Bool("hidden"),
        o.Bool("canUpdateMetadata"),
        o.Bool("canSubscribeMetrics"),
        o.Bool("canManageAgentSession"));
}
