namespace Switchboard.Server.Identity;

/// <summary>Scopes of API keys, and the authorisation policies built on them.</summary>
public static class ApiKeyScopes
{
    /// <summary>Agents: write events, receive commands.</summary>
    public const string Agent = "agent";

    /// <summary>Read calls, events and streams.</summary>
    public const string Viewer = "viewer";

    /// <summary>All scopes.</summary>
    public static readonly string[] All = [Agent, Viewer];

    /// <summary>The claim carrying the scope.</summary>
    public const string Claim = "scope";
}
