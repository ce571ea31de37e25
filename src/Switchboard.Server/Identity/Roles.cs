namespace Switchboard.Server.Identity;

/// <summary>The roles of user accounts; each includes the rights of the ones before it.</summary>
public static class Roles
{
    /// <summary>Watches calls and streams.</summary>
    public const string Viewer = "viewer";

    /// <summary>Also intervenes in calls, answers escalations and curates the knowledge base.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Also manages users, API keys and reads the audit trail.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, lowest first.</summary>
    public static readonly string[] All = [Viewer, Supervisor, Admin];

    /// <summary>True when <paramref name="role"/> has at least the rights of <paramref name="required"/>.</summary>
    public static bool Includes(string? role, string required) =>
        role is not null && Array.IndexOf(All, role) >= Array.IndexOf(All, required) && Array.IndexOf(All, required) >= 0;
}
