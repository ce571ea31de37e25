namespace Switchboard.Server.Identity;

/// <summary>A filter of the audit trail; every field is optional.</summary>
public sealed record AuditQuery(
    string? Actor = null,
    string? Action = null,
    string? Outcome = null,
    string? CallId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? Before = null,
    int Limit = 100);
