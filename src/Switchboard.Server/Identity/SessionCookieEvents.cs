using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Identity;

/// <summary>
/// Session cookie behaviour for an API: problems instead of redirects, the absolute timeout, and
/// an end to sessions of disabled users or users whose password or role changed.
/// </summary>
public sealed class SessionCookieEvents(UserStore users, IOptions<AccountOptions> options, TimeProvider clock) : CookieAuthenticationEvents
{
    /// <inheritdoc />
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var id = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var issued = principal?.FindFirstValue(SessionDefaults.IssuedClaim);
        var stamp = principal?.FindFirstValue(SessionDefaults.StampClaim);
        var user = id is null ? null : await users.FindAsync(id, context.HttpContext.RequestAborted);
        var absolute = TimeSpan.FromHours(options.Value.SessionAbsoluteHours);
        var valid = user is { DisabledAt: null }
            && stamp == user.SecurityStamp
            && long.TryParse(issued, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            && DateTimeOffset.FromUnixTimeMilliseconds(ms) + absolute > clock.GetUtcNow();
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SessionDefaults.Scheme);
        }
    }

    /// <inheritdoc />
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        WriteProblemAsync(
            context.HttpContext,
            StatusCodes.Status401Unauthorized,
            "Authentication required",
            "Sign in with POST /api/v1/auth/login (the session may have expired), or send an API key as 'Authorization: Bearer sbk_…'.");

    /// <inheritdoc />
    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this request.");

    internal static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(context);
    }
}
