using System.Security.Claims;

namespace Switchboard.Server.Identity;

/// <summary>Who did something, and from where: a signed-in user, an API key, or nobody known.</summary>
/// <param name="Id">User id, <c>key:…</c>, or empty for anonymous.</param>
/// <param name="Name">Username or key name; what audit records and events show as "by".</param>
/// <param name="Kind"><c>user</c>, <c>key</c>, <c>anonymous</c> or <c>system</c>.</param>
/// <param name="Role">The user's role or the key's scope.</param>
/// <param name="Ip">The client address.</param>
public sealed record Actor(string Id, string Name, string Kind, string? Role, string? Ip)
{
    /// <summary>The server itself (timeouts, cancellations).</summary>
    public static readonly Actor System = new("system", "system", "system", null, null);

    /// <summary>The actor of a request.</summary>
    public static Actor From(HttpContext context)
    {
        var user = context.User;
        var ip = context.Connection.RemoteIpAddress?.ToString();
        if (user.Identity?.IsAuthenticated != true)
        {
            return new Actor("", "anonymous", "anonymous", null, ip);
        }

        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        var name = user.FindFirstValue(ClaimTypes.Name) ?? id;
        return user.Identity.AuthenticationType == SessionDefaults.Scheme
            ? new Actor(id, name, "user", user.FindFirstValue(ClaimTypes.Role), ip)
            : new Actor(id, name, "key", user.FindFirstValue(ApiKeyScopes.Claim), ip);
    }
}
