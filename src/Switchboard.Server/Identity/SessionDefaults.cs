namespace Switchboard.Server.Identity;

/// <summary>Names of the session scheme and its claims.</summary>
public static class SessionDefaults
{
    /// <summary>The cookie session scheme.</summary>
    public const string Scheme = "Session";

    /// <summary>The scheme that picks API key or session per request.</summary>
    public const string Selector = "Switchboard";

    /// <summary>When the session began (Unix milliseconds), for the absolute timeout.</summary>
    public const string IssuedClaim = "sb_issued";

    /// <summary>The user's security stamp when the session began.</summary>
    public const string StampClaim = "sb_stamp";

    /// <summary>Present while the user must change their password.</summary>
    public const string MustChangePasswordClaim = "sb_must_change_password";

    /// <summary>The request header carrying the anti-forgery token.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
}
