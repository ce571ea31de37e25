namespace Switchboard.Server.Storage;

/// <summary>A row of the calls table: the stored outline of one call.</summary>
public sealed record CallRecord(
    string CallId,
    DateTimeOffset FirstAt,
    DateTimeOffset LastAt,
    long LastSeq,
    DateTimeOffset? EndedAt,
    string? EndReason);
