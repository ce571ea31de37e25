namespace Switchboard.Server.LiveKit;

// The grant records are grouped in one file: each is a handful of properties whose names are
// LiveKit's JSON claim names (LIVEKIT.md §1.4–1.5). A null property is omitted from the token;
// the tri-state flags keep an explicit false.

/// <summary>The <c>video</c> grant.</summary>
public sealed record VideoGrant
{
    public bool RoomCreate { get; init; }
    public bool RoomList { get; init; }
    public bool RoomRecord { get; init; }
    public bool RoomAdmin { get; init; }
    public bool RoomJoin { get; init; }
    public string? Room { get; init; }
    public bool? CanPublish { get; init; }
    public bool? CanSubscribe { get; init; }
    public bool? CanPublishData { get; init; }

    /// <summary>Lower-case track sources (<c>camera</c>, <c>microphone</c>, <c>screen_share</c>, <c>screen_share_audio</c>).</summary>
    public IReadOnlyList<string>? CanPublishSources { get; init; }
    public bool? CanUpdateOwnMetadata { get; init; }
    public bool IngressAdmin { get; init; }
    public bool Hidden { get; init; }
    public bool Recorder { get; init; }
    public bool Agent { get; init; }
    public bool? CanSubscribeMetrics { get; init; }
    public bool? CanManageAgentSession { get; init; }
    public string? DestinationRoom { get; init; }
}

/// <summary>The <c>sip</c> grant.</summary>
public sealed record SipGrant(bool Admin = false, bool Call = false);

/// <summary>The top-level <c>agent</c> grant (LiveKit Cloud agent APIs).</summary>
public sealed record AgentGrant(bool Admin = false, bool SimulationAdmin = false, bool DatabaseAdmin = false);

/// <summary>The <c>inference</c> grant.</summary>
public sealed record InferenceGrant(bool Perform = false);

/// <summary>The <c>observability</c> grant.</summary>
public sealed record ObservabilityGrant(bool Write = false);
