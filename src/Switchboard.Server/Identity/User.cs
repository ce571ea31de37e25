namespace Switchboard.Server.Identity;

/// <summary>A person who signs in: a viewer, supervisor or admin. The password hash never leaves the store.</summary>
/// <param name="Id">Stable id.</param>
/// <param name="Username">Unique, case-insensitive login name.</param>
/// <param name="Role">One of <see cref="Roles"/>.</param>
/// <param name="Skills">Escalation topics this person answers; <c>*</c> means every topic.</param>
/// <param name="MustChangePassword">True until the person sets their own password.</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="DisabledAt">When the account was disabled, if it was.</param>
/// <param name="LastLoginAt">The last successful login.</param>
public sealed record User(
    string Id,
    string Username,
    string Role,
    IReadOnlyList<string> Skills,
    bool MustChangePassword,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt,
    DateTimeOffset? LastLoginAt)
{
    /// <summary>Changes whenever the password, role or status changes; sessions carrying an older stamp end.</summary>
    internal string SecurityStamp { get; init; } = "";

    /// <summary>True when the person answers escalations on <paramref name="topic"/>.</summary>
    public bool HasSkill(string? topic) =>
        Skills.Contains("*") || (topic is not null && Skills.Contains(topic, StringComparer.OrdinalIgnoreCase));
}
