namespace Switchboard.Server.LiveKit.Egress;

/// <summary>
/// Section <c>LiveKit:Recording</c>: per-call recordings through LiveKit Egress, an audio-only room
/// composite written to one file per call. Off by default (docs/LIVEKIT-BRIDGE.md, "Recording").
/// </summary>
public sealed class RecordingOptions
{
    /// <summary>Every call in a LiveKit room is recorded as it starts.</summary>
    public const string AllCalls = "all";

    /// <summary>Only calls a supervisor asks for (<c>POST /api/v1/calls/{id}/recording</c>).</summary>
    public const string OnDemand = "on-demand";

    /// <summary>The placeholder Switchboard replaces with the call id (the room SID) in <see cref="FilepathTemplate"/>.</summary>
    public const string CallIdPlaceholder = "{call_id}";

    /// <summary>Record calls at all; needs the LiveKit server API (<c>LiveKit:Url</c>, <c>ApiKey</c>, <c>ApiSecret</c>).</summary>
    public bool Enabled { get; set; }

    /// <summary><see cref="AllCalls"/> or <see cref="OnDemand"/>.</summary>
    public string Calls { get; set; } = AllCalls;

    /// <summary>Egress's <c>EncodedFileType</c>: <c>OGG</c>, <c>MP4</c> or <c>MP3</c>.</summary>
    public string FileType { get; set; } = "OGG";

    /// <summary>
    /// The file's path in its storage. <c>{call_id}</c> and <c>{room_name}</c> are filled in by
    /// Switchboard; Egress fills its own (<c>{room_id}</c>, <c>{time}</c>, <c>{utc}</c>) and adds the
    /// file type's extension when the path has none.
    /// </summary>
    public string FilepathTemplate { get; set; } = "recordings/" + CallIdPlaceholder;

    /// <summary>
    /// Where finished files can be played: the file's path is appended to it. Without it the
    /// location Egress reports is used when it is an http(s) URL; otherwise the summary has no URL.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>S3-compatible storage sent with each request; without a bucket, the egress server's own storage is used.</summary>
    public S3StorageOptions S3 { get; set; } = new();

    /// <summary>True for <see cref="OnDemand"/>.</summary>
    public bool OnlyWhenAsked => Calls == OnDemand;
}

/// <summary><c>LiveKit:Recording:S3</c>: Egress's <c>S3Upload</c>. The key and secret are sent to LiveKit only, never logged or shown.</summary>
public sealed class S3StorageOptions
{
    public string? Bucket { get; set; }
    public string? Region { get; set; }

    /// <summary>For S3-compatible services other than AWS (MinIO, R2, …).</summary>
    public string? Endpoint { get; set; }
    public string? AccessKey { get; set; }
    public string? Secret { get; set; }
    public bool ForcePathStyle { get; set; }

    /// <summary>True when any setting is given.</summary>
    public bool Given => new[] { Bucket, Region, Endpoint, AccessKey, Secret }.Any(v => !string.IsNullOrWhiteSpace(v)) || ForcePathStyle;
}
