namespace Switchboard.Server.Identity;

/// <summary>A stored API key (the key itself is never stored, only its SHA-256 hash).</summary>
public sealed record ApiKey(string Id, string Name, string Scope, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
