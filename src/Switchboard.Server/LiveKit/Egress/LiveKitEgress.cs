namespace Switchboard.Server.LiveKit.Egress;

/// <summary>
/// LiveKit's <c>EgressInfo</c>, the fields Switchboard reads. Egress reports its times in unix
/// nanoseconds (int64, so JSON strings).
/// </summary>
public sealed record LiveKitEgress(
    string EgressId,
    string RoomId,
    string RoomName,
    string Status,
    long StartedAtNanos,
    long EndedAtNanos,
    string Error,
    bool IsRoomComposite,
    IReadOnlyList<EgressFile> Files)
{
    private static readonly string?[] Statuses =
        ["EGRESS_STARTING", "EGRESS_ACTIVE", "EGRESS_ENDING", "EGRESS_COMPLETE", "EGRESS_FAILED", "EGRESS_ABORTED", "EGRESS_LIMIT_REACHED"];

    /// <summary>Egress has stopped, with or without a file.</summary>
    public bool Ended => Status is "EGRESS_COMPLETE" or "EGRESS_FAILED" or "EGRESS_ABORTED" or "EGRESS_LIMIT_REACHED";

    /// <summary>The file, if Egress wrote one (a recording cut at Egress's time limit still has its file).</summary>
    public EgressFile? File => Status is "EGRESS_COMPLETE" or "EGRESS_LIMIT_REACHED" ? Files.FirstOrDefault(f => f.Filename.Length > 0 || f.Location.Length > 0) : null;

    public static LiveKitEgress Read(ProtoObject o)
    {
        IReadOnlyList<EgressFile> files = o.List("fileResults", EgressFile.Read);
        if (files.Count == 0 && o.Obj("file") is { Exists: true } file)
        {
            // Servers before file_results report one file in the deprecated field.
            files = [EgressFile.Read(file)];
        }

        return new(
            o.Str("egressId"),
            o.Str("roomId"),
            o.Str("roomName"),
            o.Enum("status", Statuses),
            o.Int64("startedAt"),
            o.Int64("endedAt"),
            o.Str("error"),
            o.Field("roomComposite") is not null || o.Field("egress") is not null,
            files);
    }

    /// <summary>A time Egress reported, or null for 0.</summary>
    public static DateTimeOffset? Time(long unixNanos) => unixNanos > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(unixNanos / 1_000_000) : null;
}

/// <summary>LiveKit's <c>FileInfo</c>.</summary>
public sealed record EgressFile(string Filename, string Location, long StartedAtNanos, long DurationNanos, long Size)
{
    public static EgressFile Read(ProtoObject o) =>
        new(o.Str("filename"), o.Str("location"), o.Int64("startedAt"), o.Int64("duration"), o.Int64("size"));
}
