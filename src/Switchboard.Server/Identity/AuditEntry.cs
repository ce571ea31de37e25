using System.Text.Json;

namespace Switchboard.Server.Identity;

/// <summary>One audit record: who did what, when (UTC), from where, and how it ended.</summary>
/// <param name="Id">Increasing id.</param>
/// <param name="At">When (UTC).</param>
/// <param name="Actor">Username, key name, <c>anonymous</c> or <c>system</c>.</param>
/// <param name="ActorKind"><c>user</c>, <c>key</c>, <c>anonymous</c> or <c>system</c>.</param>
/// <param name="Action">What, e.g. <c>call.takeover</c>, <c>user.create</c>, <c>auth.denied</c>.</param>
/// <param name="Outcome"><c>ok</c>, <c>denied</c>, <c>conflict</c>, <c>failed</c> or <c>invalid</c>.</param>
/// <param name="Target">The object acted on (call id, user, key, request id, entry id, path).</param>
/// <param name="CallId">The call, when there is one.</param>
/// <param name="Ip">The client address.</param>
/// <param name="Detail">More about it (never a secret).</param>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Actor,
    string ActorKind,
    string Action,
    string Outcome,
    string? Target,
    string? CallId,
    string? Ip,
    JsonElement? Detail);
