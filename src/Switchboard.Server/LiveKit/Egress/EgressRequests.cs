namespace Switchboard.Server.LiveKit.Egress;

// Request messages of livekit.Egress (protobufs/livekit_egress.proto), written as the other
// Twirp requests are: lowerCamelCase proto3 JSON, defaults omitted, enums as names.

/// <summary><c>RoomCompositeEgressRequest</c>, audio only, to one file.</summary>
public sealed record RoomCompositeEgressRequest(string RoomName, bool AudioOnly, IReadOnlyList<EncodedFileOutput> FileOutputs);

/// <summary><c>EncodedFileOutput</c>; <c>s3</c> is left out to use the egress server's storage.</summary>
public sealed record EncodedFileOutput(string FileType, string Filepath, S3Upload? S3 = null);

/// <summary><c>S3Upload</c>.</summary>
public sealed record S3Upload(string Bucket, string? Region = null, string? Endpoint = null, string? AccessKey = null, string? Secret = null, bool ForcePathStyle = false)
{
    /// <summary>Never shows the key or the secret (a record would print them).</summary>
    public override string ToString() => $"S3Upload {{ Bucket = {Bucket}, Region = {Region}, Endpoint = {Endpoint} }}";
}

/// <summary><c>StopEgressRequest</c>.</summary>
public sealed record StopEgressRequest(string EgressId);
